/**
 * How long to wait for a PostgreSQL server to answer a new connection.
 *
 * node-postgres waits forever by default: a host that accepts the TCP
 * connection and never speaks (a wrong port behind a proxy, a hung server, a
 * firewall that holds connections) leaves `status` or `run` hanging without
 * a word, and `--lock-timeout` never starts counting. So Athanor always sets
 * a timeout, taken from the first of:
 *
 * 1. `--connect-timeout <seconds>` (the CLI) / `connectTimeoutMs` (the API);
 * 2. the DataSource's own `connectTimeoutMS` (or `extra.connectionTimeoutMillis`);
 * 3. `connect_timeout` (seconds) in its connection URL, as libpq reads it;
 * 4. the PGCONNECT_TIMEOUT environment variable (seconds), as libpq reads it;
 * 5. DEFAULT_CONNECT_TIMEOUT_MS.
 *
 * As in libpq, 0 means wait forever.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The DataSource option overrides that apply the timeout (TypeORM hands connectTimeoutMS to the pool). */
export function postgresConnectTimeout(
  options: Record<string, any>,
  requestedMs: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown> {
  const extra = options.extra as Record<string, unknown> | undefined;
  const fromDataSource = options.connectTimeoutMS ?? extra?.connectionTimeoutMillis;
  if (requestedMs === undefined && fromDataSource !== undefined) return {};
  const ms =
    requestedMs ??
    secondsToMs(urlParameter(options.url, "connect_timeout")) ??
    secondsToMs(env.PGCONNECT_TIMEOUT) ??
    DEFAULT_CONNECT_TIMEOUT_MS;
  // `extra` is spread over the pool's options last, so it is set too when it names one.
  return extra?.connectionTimeoutMillis !== undefined
    ? { connectTimeoutMS: ms, extra: { ...extra, connectionTimeoutMillis: ms } }
    : { connectTimeoutMS: ms };
}

/** Whether `error` is node-postgres (or its pool) giving up on a server that did not answer in time. */
export function isConnectTimeout(error: unknown): boolean {
  const message = (error as { message?: string } | undefined)?.message ?? "";
  return /^timeout expired$|timeout exceeded when trying to connect|due to connection timeout/i.test(message);
}

function urlParameter(url: unknown, name: string): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    return new URL(url).searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

function secondsToMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}
