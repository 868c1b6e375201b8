/**
 * A minimal client for Grafana's documented HTTP API (service-account token as a Bearer token).
 * It turns failures into one-line errors that say what to fix; the token never appears in them.
 */
import { ConnectError, errorMessage } from '../errors.ts';

export interface GrafanaClientOptions {
  url: string;
  token: string;
  timeoutMs?: number;
}

export interface GrafanaResponse {
  status: number;
  body: unknown;
}

export interface GrafanaClient {
  readonly url: string;
  /** Resolves for 2xx, and for 404 when `allowNotFound` (a lookup); throws ConnectError otherwise. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; allowNotFound?: boolean },
  ): Promise<GrafanaResponse>;
}

const SERVICE = 'Grafana';

function grafanaMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  return undefined;
}

function httpError(status: number, method: string, path: string, body: unknown): ConnectError {
  const said = grafanaMessage(body);
  const detail = said ? ` (${said})` : '';
  switch (status) {
    case 401:
      return new ConnectError(SERVICE, `the token was rejected (401 Unauthorized)${detail}`, {
        hint: 'create a service-account token in Grafana (Administration → Service accounts) and pass it with --token or GRAFANA_TOKEN',
      });
    case 403:
      return new ConnectError(SERVICE, `the token may not ${method} ${path} (403 Forbidden)${detail}`, {
        hint: 'give the service account the Admin role: creating data sources and folders needs it',
      });
    case 404:
      return new ConnectError(SERVICE, `${method} ${path} was not found (404)${detail}`, {
        hint: 'check that --url (or grafana.url) is the Grafana root, like http://127.0.0.1:3000, without a path',
      });
    default:
      return new ConnectError(SERVICE, `${method} ${path} failed with HTTP ${status}${detail}`, {
        hint:
          status >= 500
            ? 'see the Grafana server log'
            : 'check the Grafana version (11 or later) and the request above',
      });
  }
}

export function createGrafanaClient(options: GrafanaClientOptions): GrafanaClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    url: base,
    async request(method, path, { body, allowNotFound = false } = {}) {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${options.token}`,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? errorMessage(error);
        throw new ConnectError(SERVICE, `cannot reach ${base} (${cause})`, {
          hint: 'start Grafana (docker compose up -d grafana) or pass the right --url / GRAFANA_URL',
          cause: error,
        });
      }
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON (a proxy's error page): keep the text for the message
      }
      if (response.ok || (allowNotFound && response.status === 404)) return { status: response.status, body: parsed };
      throw httpError(response.status, method, path, parsed);
    },
  };
}
