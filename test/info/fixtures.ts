/** The recorded-shape Yahoo responses in test/fixtures/yahoo-info, as a directory and as parsed payloads. */
import { readFileSync } from 'node:fs';
import { INFO_FIXTURES_DIR } from '../support/fake-yahoo.ts';

export const FIXTURES_DIR = INFO_FIXTURES_DIR;

/** The quoteSummary result object of a fixture (what `createSummaryFetcher` resolves to). */
export function summaryOf(symbol: string): Record<string, unknown> {
  const body = JSON.parse(readFileSync(`${FIXTURES_DIR}${symbol}.json`, 'utf8')) as {
    quoteSummary: { result: Record<string, unknown>[] };
  };
  return body.quoteSummary.result[0]!;
}
