/**
 * What went wrong talking to Yahoo Finance, in words a person can act on: the cause (DNS, TLS, a
 * refused or timed-out connection, an HTTP status, a rate limit) and the fix. One classifier for
 * `doctor`, the sources (produce, watch) and `info sync`, so each names a failure the same way.
 */
import { errorMessage } from '../errors.ts';

export type YahooFailureKind = 'dns' | 'tls' | 'connection' | 'timeout' | 'rate-limit' | 'session' | 'http' | 'other';

export interface YahooFailure {
  kind: YahooFailureKind;
  /** Worth another try later (rate limits, server errors, network trouble); not: unknown symbols, bad options. */
  retryable: boolean;
  /** What happened, e.g. "DNS lookup of query1.finance.yahoo.com failed (ENOTFOUND)". */
  cause: string;
  /** What to do about it. */
  fix: string;
}

/** Without Yahoo the rest of StockStream still works: the offline sources are always the way out. */
const OFFLINE_SOURCES = 'without Yahoo, use --source synthetic or --source replay';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
// Yahoo cannot be reached at all (a reset or a closed socket mid-answer is transient: retried as 'other').
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TLS_CODE = /^(CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  hostname?: unknown;
  cause?: unknown;
}

/** The innermost error with a `code` (fetch wraps the socket's error as `cause` of "fetch failed"). */
function codedCause(error: unknown): ErrorLike | undefined {
  for (
    let e = error as ErrorLike | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as ErrorLike | undefined, depth++
  ) {
    if (typeof e.code === 'string') return e;
  }
  return undefined;
}

function httpFailure(status: number): YahooFailure {
  if (status === 429) {
    return {
      kind: 'rate-limit',
      retryable: true,
      cause: 'Yahoo is rate limiting (HTTP 429 Too Many Requests)',
      fix: 'poll less often (--interval, source.yahoo.interval) or with fewer symbols; StockStream backs off and retries by itself',
    };
  }
  if (status >= 500)
    return {
      kind: 'http',
      retryable: true,
      cause: `Yahoo answered HTTP ${status} (a server error on its side)`,
      fix: 'wait and try again; it usually passes within minutes',
    };
  if (status === 401 || status === 403) {
    return {
      kind: 'http',
      retryable: false,
      cause: `Yahoo refused the request (HTTP ${status})`,
      fix: `Yahoo blocks some networks and regions: try another network or proxy; ${OFFLINE_SOURCES}`,
    };
  }
  return {
    kind: 'http',
    retryable: false,
    cause: `Yahoo answered HTTP ${status}`,
    fix: 'check the symbols and options; run `stockstream doctor` to test the connection',
  };
}

export function explainYahooFailure(error: unknown): YahooFailure {
  const e = (error ?? {}) as ErrorLike;
  const message = errorMessage(error);
  if (e.name === 'HTTPError' && typeof e.code === 'number') return httpFailure(e.code);
  // Yahoo refuses the session (its cookie and crumb handshake, or the consent page) when it rate-limits it.
  if (/crumb|cookie|consent/i.test(message)) {
    return {
      kind: 'session',
      retryable: true,
      cause: 'Yahoo refused the session crumb',
      fix: 'usually its rate limit: StockStream starts a fresh session and backs off; if it persists, poll less often (--interval)',
    };
  }

  const coded = codedCause(error);
  const code = typeof coded?.code === 'string' ? coded.code : undefined;
  if (code && DNS_CODES.has(code)) {
    const host =
      typeof coded?.hostname === 'string'
        ? coded.hostname
        : /(?:ENOTFOUND|EAI_\w+)\s+(\S+)/.exec(String(coded?.message))?.[1];
    return {
      kind: 'dns',
      retryable: true,
      cause: `DNS lookup${host ? ` of ${host}` : ''} failed (${code})`,
      fix: `no internet connection or no DNS: check the network and its DNS server; ${OFFLINE_SOURCES}`,
    };
  }
  if (code && TLS_CODE.test(code)) {
    return {
      kind: 'tls',
      retryable: true,
      cause: `TLS connection to Yahoo failed (${code})`,
      fix: 'a proxy or firewall may intercept HTTPS: point NODE_EXTRA_CA_CERTS at its CA certificate, and check the system clock',
    };
  }
  if (code && CONNECTION_CODES.has(code)) {
    return {
      kind: 'connection',
      retryable: true,
      cause: `connection to Yahoo failed (${code})`,
      fix: `check internet access, a firewall or a proxy; ${OFFLINE_SOURCES}`,
    };
  }
  if ((code && TIMEOUT_CODES.has(code)) || e.name === 'TimeoutError' || e.name === 'AbortError') {
    const cause = code
      ? `no answer from Yahoo in time (${code})`
      : message.startsWith('no answer')
        ? message
        : `no answer from Yahoo in time (${message})`;
    return {
      kind: 'timeout',
      retryable: true,
      cause,
      fix: `check the network (a slow link or a proxy that drops HTTPS); ${OFFLINE_SOURCES}`,
    };
  }
  // "fetch failed" alone says nothing: add what the socket said.
  let detail = message;
  const inner = (e.cause as ErrorLike | undefined)?.message;
  if (typeof inner === 'string' && !detail.includes(inner)) detail += `: ${inner}`;
  if (code && !detail.includes(code)) detail += ` (${code})`;
  // fetch's own network failures are TypeErrors; the library's validation and option errors are not.
  return {
    kind: 'other',
    retryable: e.name === 'TypeError',
    cause: `Yahoo request failed: ${detail}`,
    fix: 'run `stockstream doctor` to test the connection to Yahoo',
  };
}

/** Failures that no other symbol or request escapes: no point asking Yahoo again for the next symbol. */
export function isOffline(failure: YahooFailure): boolean {
  return failure.kind === 'dns' || failure.kind === 'tls' || failure.kind === 'connection';
}
