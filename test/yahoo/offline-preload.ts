/**
 * Loaded into the built CLI with NODE_OPTIONS=--import: every request to a Yahoo host goes to the
 * same name under `.invalid` instead, so the CLI meets a real DNS failure, as on a machine without
 * network. Other hosts (our servers) are left alone.
 */
const realFetch = globalThis.fetch;
globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (url.hostname.endsWith('yahoo.com')) url.hostname += '.invalid';
  return realFetch(url, init);
}) as typeof fetch;
