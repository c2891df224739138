/**
 * Reading a connection URL the way the drivers do, for messages and checks
 * only (the driver gets the URL as it was written). `pg` and TypeORM accept
 * a URL without a host whose `?host=` names a Unix-socket directory —
 * `postgres://user:pw@/db?host=/var/run/postgresql`, the Cloud SQL form —
 * which WHATWG's URL parser refuses ("Invalid URL": credentials need a host),
 * so such a URL is parsed with a stand-in host, as pg-connection-string does,
 * and its host is then the socket directory.
 */

export interface ConnectionUrl {
  protocol: string;
  username: string;
  password: string;
  /** Host name, or the Unix-socket directory (`?host=`, or a percent-encoded path as the host). */
  host: string;
  port: string;
  database: string;
}

const STAND_IN_HOST = "athanor-no-host.invalid";

/** The parts of `text`, or undefined when it is not a URL a driver would read. */
export function parseConnectionUrl(text: string): ConnectionUrl | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  const url = parseWithOptionalHost(text);
  if (!url) return undefined;
  const hostless = url.hostname === STAND_IN_HOST;
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  return {
    protocol: url.protocol.replace(/:$/, ""),
    username: decode(url.username),
    password: decode(url.password),
    // A `host` parameter wins over the URL's host, as in pg.
    host: url.searchParams.get("host") ?? (hostless ? "" : decode(url.hostname)),
    port: url.searchParams.get("port") ?? url.port,
    database: decode(url.pathname.replace(/^\//, "")),
  };
}

/** `text` with its database (the URL's path) replaced, host or none. */
export function withDatabaseName(text: string, database: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/is.exec(text);
  if (!match) return text;
  return `${match[1]}/${encodeURIComponent(database)}${match[3]}`;
}

function parseWithOptionalHost(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    // No host between "//" (or the credentials' "@") and the path: stand one in.
    const hostless = /^([a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?)(?=[/?#]|$)/i.exec(text);
    if (!hostless) return undefined;
    try {
      return new URL(hostless[1] + STAND_IN_HOST + text.slice(hostless[1].length));
    } catch {
      return undefined;
    }
  }
}
