// Loaded into each benchmarked CLI process with NODE_OPTIONS=--require, for
// Athanor and TypeORM alike. Counts the statements the process sends to the
// database, at the client (pg's Client#query, sqlite3's Database methods),
// and records its peak RSS; writes both as JSON to BENCH_STATS_FILE on exit.
//
// It also splits the process's time once it has sent its first query (pg
// and sqlite3): while a query is out (sent, its answer not yet back: the
// database works) and while none is (the client works, the database waits).
// The CPU the process spends while none is out is the client's cost that
// does not overlap the server's: what the per-migration wall time adds to
// the server's own, measured as CPU so that a busy machine disturbs it less.
"use strict";
const { writeFileSync } = require("node:fs");

const out = process.env.BENCH_STATS_FILE;
const statements = [];

/** Time and CPU with a query out (`waiting`) and without (`client`), from the first query on. */
const phases = { waiting: { wallMs: 0, cpuMs: 0 }, client: { wallMs: 0, cpuMs: 0 } };
let out_ = 0;
let mark;
const now = () => {
  const cpu = process.cpuUsage();
  return { wall: performance.now(), cpu: (cpu.user + cpu.system) / 1000 };
};
function switchPhase(phase) {
  const at = now();
  if (mark) {
    phases[phase].wallMs += at.wall - mark.wall;
    phases[phase].cpuMs += at.cpu - mark.cpu;
  }
  mark = at;
}
/** A query (or a list of them) went out. */
function sent() {
  if (out_++ === 0) switchPhase("client");
}
/** Its answer came back. */
function answered() {
  if (out_ > 0 && --out_ === 0) switchPhase("waiting");
}

function wrap(proto, method) {
  const original = proto && proto[method];
  if (typeof original !== "function" || original.__benchWrapped) return;
  const wrapped = function (sql, ...rest) {
    const text =
      typeof sql === "string"
        ? sql
        : sql && typeof sql.text === "string"
          ? sql.text
          : sql && typeof sql.sql === "string"
            ? sql.sql
            : String(sql);
    statements.push(text);
    return original.call(this, sql, ...rest);
  };
  wrapped.__benchWrapped = true;
  proto[method] = wrapped;
}

// The drivers the project resolves (from its directory), so the copies we
// patch are the copies the tool uses. They are patched when the tool itself
// loads them, not loaded here: loading them up front would add their load
// time (outside any cache the tool keeps) to every measured command.
const Module = require("node:module");

function resolveFromProject(name) {
  try {
    return require.resolve(name, { paths: [process.cwd()] });
  } catch {
    return undefined;
  }
}

function mysql2Connection() {
  const main = resolveFromProject("mysql2");
  return main && require("node:path").join(require("node:path").dirname(main), "lib", "base", "connection.js");
}

/** pg: a query is out from its first message to the server's ReadyForQuery (simple and extended protocol alike). */
function followPg(pg) {
  const client = pg.Client && pg.Client.prototype;
  const ready = client && client._handleReadyForQuery;
  if (typeof ready !== "function" || typeof client._pulseQueryQueue !== "function") return;
  // Bound when the client connects: patched before that.
  client._handleReadyForQuery = function (...args) {
    if (this.__benchOut) {
      this.__benchOut = false;
      answered();
    }
    return ready.apply(this, args);
  };
  // A query is submitted (written) when the queue is pulsed with the client idle.
  const pulse = client._pulseQueryQueue;
  client._pulseQueryQueue = function (...args) {
    const result = pulse.apply(this, args);
    // pg 8.x keeps it as _activeQuery (activeQuery is a deprecated getter).
    if (("_activeQuery" in this ? this._activeQuery : this.activeQuery) && !this.__benchOut) {
      this.__benchOut = true;
      sent();
    }
    return result;
  };
}

/** sqlite3: a call is out from the call to its callback. */
function followSqlite(sqlite3) {
  const proto = sqlite3.Database && sqlite3.Database.prototype;
  for (const m of ["run", "all", "get", "exec"]) {
    const original = proto && proto[m];
    if (typeof original !== "function") continue;
    proto[m] = function (...args) {
      const last = args.length - 1;
      if (typeof args[last] === "function") {
        const callback = args[last];
        sent();
        args[last] = function (...answer) {
          answered();
          return callback.apply(this, answer);
        };
      }
      return original.apply(this, args);
    };
  }
}

const drivers = [
  {
    file: resolveFromProject("pg"),
    patch: (pg) => {
      followPg(pg);
      wrap(pg.Client && pg.Client.prototype, "query");
    },
  },
  // mysql2's connection class (its package exports do not name the file): every query of TypeORM's driver goes through it.
  { file: mysql2Connection(), patch: (Connection) => wrap(Connection && Connection.prototype, "query") },
  {
    file: resolveFromProject("sqlite3"),
    patch: (sqlite3) => {
      followSqlite(sqlite3);
      for (const m of ["run", "all", "get", "exec", "each", "prepare"]) wrap(sqlite3.Database && sqlite3.Database.prototype, m);
    },
  },
].filter((driver) => driver.file);

const load = Module._load;
Module._load = function (...args) {
  const exported = load.apply(this, args);
  for (const driver of drivers) {
    if (driver.done) continue;
    const loaded = Module._cache[driver.file];
    if (loaded && loaded.loaded) {
      driver.done = true;
      driver.patch(loaded.exports);
    }
  }
  return exported;
};

const CATALOG = /\b(pg_catalog|information_schema|pg_[a-z_]+|sqlite_master|sqlite_schema|sqlite_sequence)\b|^\s*pragma\b/i;

process.on("exit", () => {
  if (!out) return;
  const catalog = statements.filter((s) => CATALOG.test(s)).length;
  writeFileSync(
    out,
    JSON.stringify({
      statements: statements.length,
      catalog,
      maxRssKb: process.resourceUsage().maxRSS,
      // user + system CPU: less disturbed than wall time on a busy machine
      cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000,
      phases: mark ? phases : undefined,
      sample: process.env.BENCH_KEEP_STATEMENTS ? statements.map((s) => s.slice(0, 300)) : undefined,
    }),
  );
});
