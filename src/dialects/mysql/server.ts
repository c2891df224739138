/**
 * Which server the MySQL dialect speaks to, and what that server can do.
 *
 * MySQL and MariaDB share a wire protocol and most of their SQL, but not
 * every statement Athanor renders: the dialect reads `SELECT VERSION()` once
 * per connection (`serverOf`) and renders and normalizes for that server.
 * Offline (`run --sql`, `show`, `lint`) no server answers: the dialect then
 * assumes `DEFAULT_SERVER`, the newest server the tests run on, unless a
 * version is named (`--dialect mysql@8.0`, `mariadb@10.4`).
 *
 * The capability table (documented behaviour, by version):
 *
 * | capability         | MariaDB                  | MySQL                          |
 * |--------------------|--------------------------|--------------------------------|
 * | renameColumn       | 10.5.2+ (`RENAME COLUMN`)| 8.0.3+ (`RENAME COLUMN`)       |
 * | enforcedChecks     | 10.2.1+                  | 8.0.16+ (older: parsed, ignored)|
 * | expressionDefaults | 10.2.1+, any expression  | 8.0.13+, in parentheses        |
 * | anonymousBlocks    | 10.1.1+ (`BEGIN NOT ATOMIC`) | never                      |
 * | jsonType           | alias of longtext + json_valid check | native (5.7.8+)    |
 * | defaultCollation   | utf8mb4_general_ci (charset default) | 8.0+: utf8mb4_0900_ai_ci |
 * | instantAddColumn   | 10.3.2+                  | 8.0.12+                        |
 * | instantDropColumn  | 10.4+                    | 8.0.29+                        |
 * | instantRenameColumn| 10.5.2+ (with RENAME)    | 8.0.28+                        |
 *
 * Only MariaDB 10.11 is tested here (see README, "MySQL and MariaDB"); the
 * MySQL column is what MySQL's manual documents.
 */
import type { Queryable } from "../dialect";

export type ServerKind = "mariadb" | "mysql";

export interface ServerVersion {
  kind: ServerKind;
  major: number;
  minor: number;
  patch: number;
}

export interface ServerCapabilities {
  /** `ALTER TABLE … RENAME COLUMN a TO b`; without it, `CHANGE COLUMN a b <full definition>`. */
  renameColumn: boolean;
  /** CHECK constraints are enforced and reported in information_schema.CHECK_CONSTRAINTS. */
  enforcedChecks: boolean;
  /** `DEFAULT (expression)` is accepted and reported back. */
  expressionDefaults: boolean;
  /** Anonymous compound statements (`BEGIN NOT ATOMIC … END`) outside stored programs. */
  anonymousBlocks: boolean;
  /** JSON is a type of its own (MySQL) or longtext with a json_valid check (MariaDB). */
  jsonType: "native" | "longtext";
  /** The collation utf8mb4 columns get when nothing names one. */
  defaultCollation: string;
  /** `ALGORITHM=INSTANT` for adding a column at the end, dropping one, renaming one. */
  instantAddColumn: boolean;
  instantDropColumn: boolean;
  instantRenameColumn: boolean;
}

/** What offline SQL renders for when no server answers and none is named: the newest server tested. */
export const DEFAULT_SERVER: ServerVersion = { kind: "mariadb", major: 10, minor: 11, patch: 0 };

function atLeast(server: ServerVersion, major: number, minor: number, patch = 0): boolean {
  if (server.major !== major) return server.major > major;
  if (server.minor !== minor) return server.minor > minor;
  return server.patch >= patch;
}

export function capabilitiesOf(server: ServerVersion): ServerCapabilities {
  if (server.kind === "mariadb") {
    return {
      renameColumn: atLeast(server, 10, 5, 2),
      enforcedChecks: atLeast(server, 10, 2, 1),
      expressionDefaults: atLeast(server, 10, 2, 1),
      anonymousBlocks: atLeast(server, 10, 1, 1),
      jsonType: "longtext",
      defaultCollation: "utf8mb4_general_ci",
      instantAddColumn: atLeast(server, 10, 3, 2),
      instantDropColumn: atLeast(server, 10, 4),
      instantRenameColumn: atLeast(server, 10, 5, 2),
    };
  }
  return {
    renameColumn: atLeast(server, 8, 0, 3),
    enforcedChecks: atLeast(server, 8, 0, 16),
    expressionDefaults: atLeast(server, 8, 0, 13),
    anonymousBlocks: false,
    jsonType: "native",
    defaultCollation: atLeast(server, 8, 0) ? "utf8mb4_0900_ai_ci" : "utf8mb4_general_ci",
    instantAddColumn: atLeast(server, 8, 0, 12),
    instantDropColumn: atLeast(server, 8, 0, 29),
    instantRenameColumn: atLeast(server, 8, 0, 28),
  };
}

/**
 * `VERSION()`'s text as a server: "10.11.6-MariaDB-0+deb12u1",
 * "5.5.5-10.11.6-MariaDB" (MariaDB behind an old replication prefix),
 * "8.0.36", "8.0.36-0ubuntu0.22.04.1", "8.4.0-commercial".
 */
export function parseServerVersion(text: string): ServerVersion {
  const kind: ServerKind = /mariadb/i.test(text) ? "mariadb" : "mysql";
  const numbers = text.replace(/^5\.5\.5-(?=\d+\.\d+\.\d+-MariaDB)/i, "");
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(numbers.trim());
  if (!match) throw new Error(`cannot read the server version "${text}"`);
  return { kind, major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0) };
}

/**
 * A server named by the user for offline SQL, after the "@" of
 * `--dialect mysql@8.0`: a version ("8.0", "10.4.3"), optionally with the
 * server's name ("mariadb-10.4", "mysql-8.0"). A bare version is MariaDB's
 * from 10 up (MySQL's releases are 5.x, 8.x, 9.x; MariaDB's 10.x and 11.x),
 * whichever TypeORM driver names it. Without a patch number, the newest
 * release of that series ("8.0" is today's 8.0, not 8.0.0, a milestone
 * without CHECK or expression defaults). Undefined when `text` names no version.
 */
export function namedServer(text: string): ServerVersion | undefined {
  const match = /^(?:(mariadb|mysql)-)?(\d+)\.(\d+)(?:\.(\d+))?$/i.exec(text.trim());
  if (!match) return undefined;
  const major = Number(match[2]);
  const kind: ServerKind = match[1] ? (match[1].toLowerCase() as ServerKind) : major >= 10 ? "mariadb" : "mysql";
  return { kind, major, minor: Number(match[3]), patch: match[4] === undefined ? NEWEST_PATCH : Number(match[4]) };
}

/** "The newest patch release of the series" for a version named without one. */
const NEWEST_PATCH = 9999;

export function describeServer(server: ServerVersion): string {
  return `${server.kind === "mariadb" ? "MariaDB" : "MySQL"} ${server.major}.${server.minor}.${server.patch}`;
}

/** A version text no pattern reads (a fork's own scheme) is taken for the newest server tested, as offline. */
function readableVersion(text: string): ServerVersion {
  try {
    return parseServerVersion(text);
  } catch {
    return DEFAULT_SERVER;
  }
}

/** The server behind each connection, read once: operations ask for it per statement. */
const known = new WeakMap<object, Promise<ServerVersion>>();

export function serverOf(db: Queryable): Promise<ServerVersion> {
  let server = known.get(db);
  if (!server) {
    server = db.query("SELECT VERSION() AS version").then((rows: Array<{ version: unknown }>) => readableVersion(String(rows[0]?.version)));
    // A failed read is not remembered: the next operation asks again.
    server.catch(() => known.delete(db));
    known.set(db, server);
  }
  return server;
}
