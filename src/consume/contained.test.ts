/**
 * Defence in depth in the consume engine's per-message step (issue 14 defect 2): a message that
 * decodes but then breaks the windows costs that one message (dead-lettered with stage process),
 * never the batch; a time beyond the Date range never gets that far.
 */
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../kafka/publisher.ts';
import { encodeTick, type WindowOutput } from '../model.ts';
import { createWindowPipeline } from '../windows/index.ts';
import { makeTick, PINNED_NOW, windowsConfig } from '../windows/testing.ts';
import type { WindowPipeline } from '../windows/types.ts';
import { applyMessages, createPartitionState, type ApplyContext } from './partition-state.ts';

const T0 = Date.UTC(2026, 2, 10, 14, 30);

function message(offset: number, value: string): KafkaMessage {
  return {
    offset: String(offset),
    key: Buffer.from('AAPL'),
    value: Buffer.from(value),
    timestamp: String(T0),
    attributes: 0,
    headers: {},
  };
}

function run(pipeline: WindowPipeline, values: string[]) {
  const outputs: WindowOutput[] = [];
  const deadLetters: OutgoingMessage[] = [];
  const ctx: ApplyContext = {
    topic: 'prices',
    dlqTopic: 'prices.dlq',
    emitTicks: false,
    arrivalMs: PINNED_NOW,
    outputs,
    deadLetters,
  };
  const counts = applyMessages(
    createPartitionState(0, pipeline),
    values.map((value, i) => message(i, value)),
    ctx,
  );
  return { counts, stages: deadLetters.map((letter) => [letter.headers?.['error.stage'], letter.headers?.error]) };
}

describe('one message never stops a batch', () => {
  it('dead-letters a time beyond the Date range at decode, and applies its neighbours', () => {
    const pipeline = createWindowPipeline(windowsConfig(), { clock: () => PINNED_NOW });
    const { counts, stages } = run(pipeline, [
      encodeTick(makeTick('AAPL', T0, 100)),
      encodeTick(makeTick('AAPL', 9e15, 100)),
      encodeTick(makeTick('AAPL', T0 + 1000, 101)),
    ]);
    expect(counts).toMatchObject({ ticks: 2, invalid: 1, failed: 0 });
    expect(stages).toEqual([['decode', expect.stringMatching(/^time 9000000000000000 is out of range/)]]);
  });

  it('dead-letters a message whose processing throws with stage process and the error text, and goes on', () => {
    const real = createWindowPipeline(windowsConfig(), { clock: () => PINNED_NOW });
    // Stands for a bug not found yet: any throw inside the windows for one particular tick.
    const breaking: WindowPipeline = {
      ...real,
      warnings: real.warnings,
      push: (tick, out, arrival) =>
        tick.price === 13
          ? (() => {
              throw new RangeError('Invalid time value');
            })()
          : real.push(tick, out, arrival),
    };
    const { counts, stages } = run(breaking, [
      encodeTick(makeTick('AAPL', T0, 100)),
      encodeTick(makeTick('AAPL', T0 + 500, 13)),
      encodeTick(makeTick('AAPL', T0 + 1000, 101)),
    ]);
    expect(counts).toMatchObject({ ticks: 2, failed: 1 });
    expect(stages).toEqual([['process', 'Invalid time value']]);
  });

  it('dead-letters a far-future tick with stage future', () => {
    const pipeline = createWindowPipeline(windowsConfig(), { clock: () => PINNED_NOW });
    const { counts, stages } = run(pipeline, [
      encodeTick(makeTick('AAPL', Date.UTC(2100, 0, 1), 100)),
      encodeTick(makeTick('AAPL', T0, 100)),
    ]);
    expect(counts).toMatchObject({ ticks: 1, future: 1, late: 0 });
    expect(stages).toEqual([['future', expect.stringMatching(/^future tick: /)]]);
  });
});
