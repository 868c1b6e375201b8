/**
 * Every error a user can see carries its exit code and a hint that says how to fix it.
 * `src/main.ts` is the one place that turns them into output and exit codes.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  partial: 3,
  interrupted: 130,
} as const;

export class StockstreamError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.hint = options.hint;
  }
}

/** Wrong flags, arguments or symbols on the command line. */
export class UsageError extends StockstreamError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.usage, hint });
  }
}

/** A config file, environment variable or flag value that does not validate. */
export class ConfigError extends StockstreamError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.usage, hint });
  }
}

/** A service (Kafka, InfluxDB, PostgreSQL, Grafana, Yahoo) could not be reached or refused us. */
export class ConnectError extends StockstreamError {
  readonly service: string;

  constructor(service: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(`${service}: ${message}`, { exitCode: ExitCode.failure, ...options });
    this.service = service;
  }
}

/** The command ran but only part of its work succeeded (for example `info sync` with some symbols failing). */
export class PartialFailureError extends StockstreamError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.partial, hint });
  }
}

/** Thrown when a run is stopped by SIGINT before it could finish its work. */
export class InterruptedError extends StockstreamError {
  constructor() {
    super('interrupted', { exitCode: ExitCode.interrupted });
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
