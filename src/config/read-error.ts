/** Turns a config file that cosmiconfig or Node's loader could not read into one line that says where and why. */
import { ConfigError, errorMessage } from '../errors.ts';

/**
 * A parse error with its position: `bad.json:3:10: Expected ',' …`, `bad.yaml:3:2: bad indentation…`,
 * `bad.config.ts:3: Expression expected`; the loaders each report position in their own way.
 */
export function describeReadError(error: unknown, named: string | undefined): ConfigError {
  const text = errorMessage(error);
  // The file a search found is named in the loaders' messages: "JSON Error in <path>:" or the stack's file URL.
  const found =
    /^\w+ Error in (.*):$/m.exec(text)?.[1] ??
    /^file:\/\/(\S+?):\d+$/m.exec(error instanceof Error ? (error.stack ?? '') : '')?.[1];
  const where = named ?? found ?? 'the config file';
  const code = (error as NodeJS.ErrnoException).code;
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(text);
  if (code === 'ERR_MODULE_NOT_FOUND' && missing?.[1] === 'stockstream') {
    return new ConfigError(
      `cannot load ${where}: it imports 'stockstream', which is not installed here`,
      'drop the import and write `export default { ... }` (defineConfig only adds types), or install stockstream next to the file (npm install --save-dev <path to your stockstream clone>)',
    );
  }
  if (missing)
    return new ConfigError(
      `cannot load ${where}: ${text.split('\n')[0]}`,
      `install ${missing[1]} or remove that import`,
    );
  const lines = text.split('\n');
  const json = /^JSON Error in .*:$/.test(lines[0] ?? '')
    ? /^(.*?)(?: in JSON)? at position \d+ \(line (\d+) column (\d+)\)/.exec(lines[1] ?? '')
    : null;
  if (json) return new ConfigError(`${where}:${json[2]}:${json[3]}: ${json[1]}`, 'fix the syntax error there');
  if (/^JSON Error in /.test(lines[0] ?? '') && /^Unexpected end of JSON input/.test(lines[1] ?? '')) {
    return new ConfigError(`${where}: unexpected end of the file`, 'close every bracket and quote');
  }
  const yaml = /^YAML Error in .*:$/.test(lines[0] ?? '') ? /^(.*) \((\d+):(\d+)\)$/.exec(lines[1] ?? '') : null;
  if (yaml) return new ConfigError(`${where}:${yaml[2]}:${yaml[3]}: ${yaml[1]}`, 'fix the syntax error there');
  // Node's module loader (TypeScript or JavaScript files) puts `file:///…:line` first in the stack.
  const stackLine = error instanceof Error ? /^file:\/\/\S+?:(\d+)$/m.exec(error.stack ?? '') : null;
  if (stackLine) return new ConfigError(`${where}:${stackLine[1]}: ${lines[0]}`, 'fix the syntax error there');
  return new ConfigError(
    `cannot read ${where}: ${lines.find((line) => line.trim() !== '' && !/ Error in /.test(line)) ?? text}`,
    'fix the file',
  );
}
