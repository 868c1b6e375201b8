/** The machine's own Node (20 on this project's CI machines), older than the CLI supports. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const OLD_NODE = '/usr/bin/node';
export const oldNodeVersion = existsSync(OLD_NODE)
  ? spawnSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()
  : '';
/** Older than the launcher's minimum (22.18), so tests of the version message can run. */
export const oldNodeIsTooOld = /^v(1\d|2[01])\.|^v22\.(\d|1[0-7])\./.test(oldNodeVersion);
