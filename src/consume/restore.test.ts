/**
 * The state design without servers: a partition's log is applied in batches with checkpoints, the
 * "consumer" crashes at random points (also between writing the symbol records and the checkpoint
 * record, and with a zombie writing stale records late), and a new one restores from the records
 * and continues. Its outputs must be exactly the uninterrupted run's: same final data, nothing
 * a clean run would not have produced.
 */
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../kafka/publisher.ts';
import { encodeTick, type WindowOutput } from '../model.ts';
import { createWindowPipeline } from '../windows/index.ts';
import { seededRandom, windowsConfig, PINNED_NOW } from '../windows/testing.ts';
import { decodePartitionRecords, planRestore, partitionKey } from './changelog.ts';
import { markPersisted, takeCheckpoint } from './checkpoint.ts';
import {
  applyMessages,
  applyRestore,
  createPartitionState,
  type ApplyContext,
  type PartitionState,
} from './partition-state.ts';

const TOPIC = 'prices';
const STATE_TOPIC = 'state';
const PREFIX = partitionKey('group', TOPIC, 0);
// The shipped window settings (the idle timer never runs here: restores are applied batch by batch).
const WINDOWS = windowsConfig();
const START = Date.parse('2026-01-06T14:30:00Z'); // 9:30 New York

function kafkaMessage(offset: number, value: string): KafkaMessage {
  return { key: null, value: Buffer.from(value), offset: String(offset), timestamp: '0', attributes: 0, headers: {} };
}

/** ~3,000 ticks of three symbols, some out of order within the lateness, a few late, a few poison. */
function tickLog(seed: number): KafkaMessage[] {
  const random = seededRandom(seed);
  const symbols = ['AAPL', 'MSFT', 'NVDA'];
  const prices = [190, 410, 130];
  const volumes = [1_000, 2_000, 3_000];
  const messages: KafkaMessage[] = [];
  let time = START;
  for (let i = 0; i < 3_000; i++) {
    time += Math.floor(random() * 1_500);
    const s = Math.floor(random() * symbols.length);
    prices[s] = prices[s]! * (1 + (random() - 0.5) * 0.004);
    volumes[s] = volumes[s]! + Math.floor(random() * 500);
    const jitter = random() < 0.1 ? -Math.floor(random() * 4_000) : 0; // within the 5s lateness
    const late = random() < 0.005 ? -120_000 : 0; // two minutes back: its window is closed
    const tick = {
      symbol: symbols[s]!,
      time: time + jitter + late,
      price: prices[s]!,
      dayVolume: volumes[s]!,
      source: 'test',
    };
    const poison = random() < 0.003;
    messages.push(kafkaMessage(messages.length, poison ? '{"v":1,"symbol":"AAPL"' : encodeTick(tick)));
  }
  return messages;
}

function outputKey(output: WindowOutput): string {
  switch (output.kind) {
    case 'bar':
      return `bar|${output.bar.symbol}|${output.bar.interval}|${output.bar.start}|${output.bar.final}`;
    case 'indicator':
      return `indicator|${output.point.symbol}|${output.point.interval}|${output.point.time}`;
    case 'alert':
      return `alert|${output.alert.symbol}|${output.alert.rule}|${output.alert.time}`;
    case 'tick':
      return `tick|${output.tick.symbol}|${output.tick.time}`;
  }
}

interface Consumer {
  state: PartitionState;
  outputs: WindowOutput[];
  deadLetters: OutgoingMessage[];
}

function newConsumer(): Consumer {
  return {
    state: createPartitionState(0, createWindowPipeline(WINDOWS, { clock: () => PINNED_NOW })),
    outputs: [],
    deadLetters: [],
  };
}

function apply(consumer: Consumer, messages: KafkaMessage[]): void {
  const ctx: ApplyContext = {
    topic: TOPIC,
    dlqTopic: `${TOPIC}.dlq`,
    emitTicks: false,
    arrivalMs: PINNED_NOW,
    outputs: consumer.outputs,
    deadLetters: consumer.deadLetters,
  };
  applyMessages(consumer.state, messages, ctx);
}

function write(store: Map<string, string>, records: OutgoingMessage[]): void {
  for (const record of records) store.set(record.key!, record.value as string);
}

/** Applies from the consumer's position to `until` in random batches, checkpointing after some. */
function run(
  consumer: Consumer,
  log: KafkaMessage[],
  until: number,
  store: Map<string, string>,
  random: () => number,
): void {
  let next = consumer.state.position ?? 0;
  while (next < until) {
    const end = Math.min(until, next + 1 + Math.floor(random() * 200));
    apply(consumer, log.slice(next, end));
    next = end;
    if (random() < 0.3) {
      const checkpoint = takeCheckpoint(consumer.state, STATE_TOPIC, PREFIX);
      if (checkpoint) {
        write(store, checkpoint.records);
        markPersisted(consumer.state, checkpoint);
      }
    }
  }
}

function restore(store: Map<string, string>): Consumer {
  const consumer = newConsumer();
  const records = decodePartitionRecords(PREFIX, store);
  applyRestore(consumer.state, planRestore(records.checkpoint, records.symbols), PREFIX);
  consumer.state.position ??= 0;
  return consumer;
}

function finalData(outputs: WindowOutput[]): Map<string, string> {
  const data = new Map<string, string>();
  for (const output of outputs) data.set(outputKey(output), JSON.stringify(output));
  return data;
}

function expectSameResults(clean: Consumer, parts: Consumer[]): void {
  const cleanData = finalData(clean.outputs);
  const all = parts.flatMap((part) => part.outputs);
  expect(finalData(all)).toEqual(cleanData);
  for (const output of all) expect(cleanData.get(outputKey(output))).toBe(JSON.stringify(output));
  // Every dead letter of the clean run, at least once; nothing else.
  const cleanDead = new Set(clean.deadLetters.map((message) => message.headers!['original.offset']));
  const dead = new Set(parts.flatMap((part) => part.deadLetters.map((message) => message.headers!['original.offset'])));
  expect(dead).toEqual(cleanDead);
}

describe('restore from the state records', () => {
  const log = tickLog(7);
  const clean = newConsumer();
  apply(clean, log);

  it('the clean run closes bars, dead-letters poison and late ticks', () => {
    expect(clean.outputs.filter((output) => output.kind === 'bar').length).toBeGreaterThan(50);
    const stages = new Set(clean.deadLetters.map((message) => message.headers!['error.stage']));
    expect(stages).toEqual(new Set(['decode', 'late']));
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`a crash at a random point (seed ${seed}) gives the clean run's results`, () => {
      const random = seededRandom(seed);
      const store = new Map<string, string>();
      const first = newConsumer();
      run(first, log, 200 + Math.floor(random() * 2_500), store, random);
      const second = restore(store);
      run(second, log, log.length, store, random);
      expectSameResults(clean, [first, second]);
    });
  }

  it('a crash between the symbol records and the checkpoint record gives the clean run results', () => {
    const random = seededRandom(11);
    const store = new Map<string, string>();
    const first = newConsumer();
    run(first, log, 1_500, store, random);
    apply(first, log.slice(first.state.position!, 1_900));
    const checkpoint = takeCheckpoint(first.state, STATE_TOPIC, PREFIX)!;
    write(store, checkpoint.records.slice(0, -1)); // the checkpoint record itself never made it
    const second = restore(store);
    expect(second.state.floors.bySymbol.size).toBeGreaterThan(0);
    run(second, log, log.length, store, random);
    expectSameResults(clean, [first, second]);
  });

  for (const withCheckpoint of [true, false]) {
    it(`stale records written late by a consumer that lost the partition (${withCheckpoint ? 'with' : 'without'} its checkpoint record) do not change the results`, () => {
      const random = seededRandom(withCheckpoint ? 12 : 13);
      const store = new Map<string, string>();
      const zombie = newConsumer();
      run(zombie, log, 1_000, store, random);
      apply(zombie, log.slice(zombie.state.position!, 1_400));
      const stale = takeCheckpoint(zombie.state, STATE_TOPIC, PREFIX)!; // taken, not yet written

      const owner = restore(store); // the new owner starts from the zombie's last written checkpoint
      run(owner, log, 2_200, store, random);
      const checkpoint = takeCheckpoint(owner.state, STATE_TOPIC, PREFIX);
      if (checkpoint) write(store, checkpoint.records);
      write(store, withCheckpoint ? stale.records : stale.records.slice(0, -1)); // the zombie's records land last

      const third = restore(store);
      run(third, log, log.length, store, random);
      expectSameResults(clean, [zombie, owner, third]);
    });
  }

  it('a snapshot the windows cannot take back is an error naming the record and the way out', () => {
    const consumer = newConsumer();
    const plan = planRestore(
      { offset: 10, symbols: { AAPL: 10 } },
      new Map([['AAPL', { offset: 10, state: { v: 999 } }]]),
    );
    expect(() => applyRestore(consumer.state, plan, PREFIX)).toThrow(
      /^state topic record group:prices:0:AAPL is not usable: window snapshot of AAPL has version 999/,
    );
  });

  it('a restore without any records starts from the beginning', () => {
    const plan = planRestore(undefined, new Map());
    expect(plan.seekTo).toBeUndefined();
    expect(plan.states).toEqual([]);
  });

  it('a symbol the checkpoint vouches for resumes at the checkpoint, others at their own record', () => {
    const plan = planRestore(
      { offset: 100, symbols: { A: 40, B: 90 } },
      new Map([
        ['A', { offset: 40, state: { a: 1 } }],
        ['B', { offset: 120, state: { b: 1 } }],
        ['C', { offset: 70, state: null }],
      ]),
    );
    expect(plan.seekTo).toBe(70);
    expect(plan.floors.base).toBe(100);
    expect([...plan.floors.bySymbol]).toEqual([
      ['B', 120],
      ['C', 70],
    ]);
    expect(plan.floors.max).toBe(120);
  });
});
