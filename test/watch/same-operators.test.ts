/**
 * watch runs the very window operators of `consume`: what it prints is exactly what that pipeline
 * produces for the same ticks. That watch imports only `createWindowPipeline` from src/windows and
 * has no window logic of its own is eslint's import-boundary rule (eslint.config.js, `npm run lint`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { decodeTick, type WindowOutput } from '../../src/model.ts';
import { createWindowPipeline } from '../../src/windows/index.ts';
import { runCli } from '../support/cli.ts';
import { emptyDir, FIXTURE } from './support.ts';

describe('watch and consume share the window operators', () => {
  it('prints exactly the bars, indicators and alerts the pipeline makes of the same ticks', async () => {
    const result = await runCli(['--json', 'watch', '--file', FIXTURE, '--speed', '0'], { cwd: emptyDir() });
    expect(result.code).toBe(0);
    const printed = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string })
      .filter((record) => record.kind !== 'tick-summary');

    const pipeline = createWindowPipeline(configSchema.parse({}).windows);
    const outputs: WindowOutput[] = [];
    // Arrival now, as in watch: the fixture is history, nothing future.
    for (const line of readFileSync(FIXTURE, 'utf8').trimEnd().split('\n'))
      pipeline.push(decodeTick(line), outputs, Date.now());
    // The end of a replay closes every open window.
    pipeline.onTimer(Number.MAX_SAFE_INTEGER, outputs);
    const flat = outputs.map((output) => {
      if (output.kind === 'bar') return { kind: 'bar', ...output.bar };
      if (output.kind === 'indicator') return { kind: 'indicator', ...output.point };
      if (output.kind === 'alert') return { kind: 'alert', ...output.alert };
      return { kind: output.kind };
    });
    expect(flat.length).toBeGreaterThan(10);
    expect(printed).toEqual(flat);
  });
});
