/**
 * A lock file for `info sync --to kafka`, which has no database to hold an advisory lock in.
 * It holds the owner's pid; a file whose process is gone (a crashed run) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises';

export interface FileLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** The lock, or undefined when a live process holds it. */
export async function tryLockFile(path: string): Promise<FileLock | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => unlink(path).catch(() => {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) return undefined;
      await unlink(path).catch(() => {}); // stale: its process is gone
    }
  }
  return undefined;
}
