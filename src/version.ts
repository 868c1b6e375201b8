/** The package version, read from package.json (one level above both src/ and dist/). */
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** What `stockstream --version` prints: enough to file a bug report. */
export function versionLine(): string {
  return `stockstream ${VERSION} (Node ${process.version}, ${process.platform}-${process.arch})`;
}
