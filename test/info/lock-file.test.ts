import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tryLockFile } from '../../src/info/lock-file.ts';

describe('lock file (info sync --to kafka)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ss-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is held by one run at a time and free again after release', async () => {
    const path = join(dir, 'sync.lock');
    const first = await tryLockFile(path);
    expect(first).toBeDefined();
    expect(await readFile(path, 'utf8')).toBe(String(process.pid));
    expect(await tryLockFile(path)).toBeUndefined();
    await first!.release();
    const again = await tryLockFile(path);
    expect(again).toBeDefined();
    await again!.release();
  });

  it('takes over the lock of a process that is gone', async () => {
    const path = join(dir, 'sync.lock');
    // Above the kernel's pid_max: no such process can exist.
    await writeFile(path, '99999999');
    const lock = await tryLockFile(path);
    expect(lock).toBeDefined();
    expect(await readFile(path, 'utf8')).toBe(String(process.pid));
    await lock!.release();
  });
});
