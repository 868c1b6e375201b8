/**
 * Preloaded into the built CLI by tests (`NODE_OPTIONS=--import …`, see `fakeYahooEnv`): requests to
 * Yahoo's hosts go to the fake replaying TEST_YAHOO_FIXTURES; every other request keeps the real
 * fetch. This is how end-to-end tests run `stockstream info sync` without the network and without
 * a test hook in the shipped code.
 */
import { quoteSummaryFixtures } from './fake-yahoo.ts';

const dir = process.env.TEST_YAHOO_FIXTURES;
if (dir) {
  const real = globalThis.fetch;
  const fake = quoteSummaryFixtures(dir).fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return /(^|\.)yahoo\.com$/.test(url.hostname) ? fake(input, init) : real(input, init);
  }) as typeof fetch;
}
