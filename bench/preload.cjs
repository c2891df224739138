// Loaded into each benchmarked CLI process with NODE_OPTIONS=--require, for
// Athanor and TypeORM alike. Counts the statements the process sends to the
// database, at the client (pg's Client#query, sqlite3's Database methods),
// and records its peak RSS; writes both as JSON to BENCH_STATS_FILE on exit.
"use strict";
const { writeFileSync } = require("node:fs");

const out = process.env.BENCH_STATS_FILE;
const statements = [];

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

const drivers = [
  { file: resolveFromProject("pg"), patch: (pg) => wrap(pg.Client && pg.Client.prototype, "query") },
  // mysql2's connection class (its package exports do not name the file): every query of TypeORM's driver goes through it.
  { file: mysql2Connection(), patch: (Connection) => wrap(Connection && Connection.prototype, "query") },
  {
    file: resolveFromProject("sqlite3"),
    patch: (sqlite3) => {
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
      sample: process.env.BENCH_KEEP_STATEMENTS ? statements.map((s) => s.slice(0, 300)) : undefined,
    }),
  );
});
