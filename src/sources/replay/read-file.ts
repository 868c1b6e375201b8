/** Streams the records of an NDJSON or CSV file (by extension), with the original line for NDJSON. */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { UsageError, errorMessage } from '../../errors.ts';

export type FileRecord =
  { ok: true; value: Record<string, unknown>; line?: string } | { ok: false; raw: string; reason: string };

export async function assertReadable(path: string): Promise<void> {
  try {
    await access(path);
  } catch (error) {
    throw new UsageError(
      `--file: cannot read ${path} (${errorMessage(error)})`,
      'pass an NDJSON or CSV file of ticks or bars, like one written by --record',
    );
  }
}

async function* ndjsonRecords(path: string): AsyncGenerator<FileRecord> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      yield { ok: false, raw: line, reason: `not JSON: ${errorMessage(error)}` };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      yield { ok: false, raw: line, reason: 'not a JSON object' };
    else yield { ok: true, value: value as Record<string, unknown>, line };
  }
}

async function* csvRecords(path: string): AsyncGenerator<FileRecord> {
  const parser = createReadStream(path).pipe(
    parse({ columns: true, cast: true, trim: true, skip_empty_lines: true, relax_column_count: true }),
  );
  try {
    for await (const row of parser) yield { ok: true, value: row as Record<string, unknown> };
  } catch (error) {
    throw new UsageError(
      `--file: ${path} is not valid CSV (${errorMessage(error)})`,
      'use a header row and comma-separated values, like symbol,time,price',
    );
  }
}

export function readRecords(path: string): AsyncGenerator<FileRecord> {
  return /\.csv$/i.test(path) ? csvRecords(path) : ndjsonRecords(path);
}
