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
    const text = typeof sql === "string" ? sql : sql && typeof sql.text === "string" ? sql.text : String(sql);
    statements.push(text);
    return original.call(this, sql, ...rest);
  };
  wrapped.__benchWrapped = true;
  proto[method] = wrapped;
}

// Resolve the drivers the way the project does (from its directory), so the
// copies we patch are the copies the tool uses.
function fromProject(name) {
  try {
    return require(require.resolve(name, { paths: [process.cwd()] }));
  } catch {
    return undefined;
  }
}

const pg = fromProject("pg");
if (pg) wrap(pg.Client.prototype, "query");
const sqlite3 = fromProject("sqlite3");
if (sqlite3) for (const m of ["run", "all", "get", "exec", "each", "prepare"]) wrap(sqlite3.Database.prototype, m);

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
