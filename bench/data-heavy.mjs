// Data-heavy migrations on 10^6 rows against the SQL a DBA would write by
// hand, in the same run, interleaved (hand-written, Athanor as it was,
// Athanor now, alternating order each round), the load average beside:
//
// - PostgreSQL: a nullable text column becomes NOT NULL (no NULLs in it), as
//   generated (statements in a transaction rolled back, so every round starts
//   from the same table) and with --online (outside a transaction, as online
//   migrations run; the NOT NULL is dropped again after each, not timed); a
//   varchar(100) column narrowed to varchar(50) (every value fits), as
//   generated: since #22 the ALTER without USING, whose values are counted
//   only when PostgreSQL refuses one (before: the count, then the ALTER
//   with a USING cast that would cut).
// - SQLite: the commit-time foreign-key check of a migration touching a
//   small table, in a database that also holds a 10^6-row child table.
//
//   npm run build && node bench/data-heavy.mjs [--rounds 3] [--rows 1000000]
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDatabase, startPostgres } from "./databases.mjs";
import { repoRoot } from "./project.mjs";

const require = createRequire(import.meta.url);
const { postgresDialect } = require(join(repoRoot, "dist/dialects/postgres"));
const { sqliteSession } = require(join(repoRoot, "dist/dialects/sqlite/session"));
const Database = require("better-sqlite3");

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const rounds = Number(option("rounds", "3"));
const rows = Number(option("rows", "1000000"));
const samples = {};
const record = (key, ms) => (samples[key] ??= []).push(ms);
const loads = [];

// ---- PostgreSQL ----
const note = { name: "note", type: "text", nullable: true };
const required = { ...note, nullable: false };
const notNull = { kind: "alterColumn", table: "big", from: note, to: required };
const quoted = (sql) => sql;
// Athanor before #22: the count in a DO block, then the ALTER (as alter-column.ts rendered it).
const COUNT_FIRST = `DO $athanor$ DECLARE n bigint; BEGIN SELECT count(*) INTO n FROM "big" WHERE "note" IS NULL; IF n > 0 THEN RAISE EXCEPTION USING MESSAGE = 'nulls'; END IF; END $athanor$`;
// --online before session 8 (as online.ts rendered it): the count, then the hand-written sequence, idempotent.
const ONLINE_BEFORE = [
  `SET lock_timeout = '5s'`,
  COUNT_FIRST,
  `DO $athanor$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"big"') AND conname = 'big_note_not_null') THEN ALTER TABLE "big" ADD CONSTRAINT "big_note_not_null" CHECK ("note" IS NOT NULL) NOT VALID; END IF; END $athanor$`,
  `ALTER TABLE "big" VALIDATE CONSTRAINT "big_note_not_null"`,
  `ALTER TABLE "big" ALTER COLUMN "note" SET NOT NULL`,
  `ALTER TABLE "big" DROP CONSTRAINT IF EXISTS "big_note_not_null"`,
  `RESET lock_timeout`,
];
const label = { name: "label", type: "varchar", length: 100, nullable: true };
const narrowed = { kind: "alterColumn", table: "big", from: label, to: { ...label, length: 50 } };
const pgCases = {
  "SET NOT NULL": {
    transaction: true,
    "hand-written": [`ALTER TABLE "big" ALTER COLUMN "note" SET NOT NULL`],
    "Athanor before": [COUNT_FIRST, `ALTER TABLE "big" ALTER COLUMN "note" SET NOT NULL`],
    "Athanor now": postgresDialect.render(notNull).statements,
  },
  "SET NOT NULL --online": {
    transaction: false,
    "hand-written": [
      `ALTER TABLE "big" ADD CONSTRAINT "big_note_not_null" CHECK ("note" IS NOT NULL) NOT VALID`,
      `ALTER TABLE "big" VALIDATE CONSTRAINT "big_note_not_null"`,
      `ALTER TABLE "big" ALTER COLUMN "note" SET NOT NULL`,
      `ALTER TABLE "big" DROP CONSTRAINT "big_note_not_null"`,
    ],
    "Athanor before": ONLINE_BEFORE,
    "Athanor now": postgresDialect.render(notNull, { online: { online: true } }).statements,
  },
  "varchar(100) → varchar(50)": {
    transaction: true,
    // Without USING, PostgreSQL's assignment cast refuses a longer value (22001) instead of cutting it.
    "hand-written": [`ALTER TABLE "big" ALTER COLUMN "label" TYPE varchar(50)`],
    // As alter-column.ts rendered it before: the length count, then the ALTER whose explicit cast cuts.
    "Athanor before": [
      `DO $athanor$ DECLARE athanor_rows bigint; BEGIN SELECT count(*) INTO athanor_rows FROM "big" WHERE length(CAST("label" AS TEXT)) > 50; IF athanor_rows > 0 THEN RAISE EXCEPTION USING MESSAGE = 'too long'; END IF; END $athanor$`,
      `ALTER TABLE "big" ALTER COLUMN "label" TYPE character varying(50) USING "label"::character varying(50)`,
    ],
    "Athanor now": postgresDialect.render(narrowed).statements,
  },
};

const server = await startPostgres();
const db = await createDatabase(server.url, "athanor_bench_data_heavy");
const client = new pg.Client({ connectionString: db.url });
await client.connect();
const workDir = mkdtempSync(join(tmpdir(), "athanor-bench-data-heavy-"));
try {
  await client.query(`CREATE TABLE big (id bigserial PRIMARY KEY, note text, n integer, label varchar(100))`);
  await client.query(`INSERT INTO big (note, n, label) SELECT 'note ' || i, i, 'label ' || i FROM generate_series(1, ${rows}) AS i`);
  await client.query(`VACUUM ANALYZE big`);
  for (let round = 0; round <= rounds; round++) {
    for (const [name, variants] of Object.entries(pgCases)) {
      const tools = Object.keys(variants).filter((k) => k !== "transaction");
      for (const tool of round % 2 ? [...tools].reverse() : tools) {
        const statements = variants[tool];
        const started = performance.now();
        if (variants.transaction) await client.query("BEGIN");
        for (const sql of statements) await client.query(quoted(sql));
        if (variants.transaction) await client.query("ROLLBACK");
        const ms = performance.now() - started;
        if (!variants.transaction) await client.query(`ALTER TABLE big ALTER COLUMN note DROP NOT NULL`);
        if (round > 0) record(`postgres|${name}|${tool}`, ms);
      }
    }
    loads.push(loadavg()[0]);
  }

  // ---- SQLite ----
  const file = join(workDir, "fk.sqlite");
  const lite = new Database(file);
  lite.exec(`CREATE TABLE parents (id integer PRIMARY KEY, name text)`);
  lite.exec(`CREATE TABLE children (id integer PRIMARY KEY, parent_id integer REFERENCES parents(id))`);
  lite.exec(`CREATE TABLE settings (id integer PRIMARY KEY, value text)`);
  lite.exec(`INSERT INTO parents VALUES (1, 'one')`);
  lite.exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${rows}) INSERT INTO children SELECT i, 1 FROM c`);
  const queryable = {
    async query(sql) {
      const statement = lite.prepare(sql);
      return statement.reader ? statement.all() : (statement.run(), []);
    },
  };
  const migration = [`UPDATE "settings" SET "value" = 'x' WHERE "id" = 1`];
  const liteCases = {
    "hand-written (no check)": async () => undefined,
    "Athanor before (whole database)": async () => queryable.query("PRAGMA foreign_key_check"),
    "Athanor now (touched tables)": async () => sqliteSession.beforeCommit(queryable, migration),
  };
  for (let round = 0; round <= rounds; round++) {
    const tools = Object.keys(liteCases);
    for (const tool of round % 2 ? [...tools].reverse() : tools) {
      lite.exec("BEGIN");
      const started = performance.now();
      lite.exec(migration[0]);
      await liteCases[tool]();
      lite.exec("COMMIT");
      const ms = performance.now() - started;
      if (round > 0) record(`sqlite|migration on a small table beside a 10^6-row child table|${tool}`, ms);
    }
    loads.push(loadavg()[0]);
  }
  lite.close();
} finally {
  await client.end();
  await db.drop();
  await server.stop();
  rmSync(workDir, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Two ratios to the hand-written SQL: of the medians, and the median of each round's own ratio (the
// variants of one round ran back to back, so a load that drifts between rounds cancels out).
console.log(
  `| dialect | operation (${rows} rows) | variant | median ms (${rounds} rounds) | all rounds | ÷ hand-written (medians) | ÷ hand-written (median of rounds) |`,
);
console.log("|---|---|---|---|---|---|---|");
const hand = {};
for (const [key, xs] of Object.entries(samples)) {
  const [dialect, operation, tool] = key.split("|");
  if (tool.startsWith("hand-written")) hand[`${dialect}|${operation}`] = xs;
}
for (const [key, xs] of Object.entries(samples)) {
  const [dialect, operation, tool] = key.split("|");
  const base = hand[`${dialect}|${operation}`];
  const comparable = !tool.startsWith("hand-written") && median(base) > 1;
  const ratio = comparable ? (median(xs) / median(base)).toFixed(2) : "";
  const paired = comparable ? median(xs.map((x, i) => x / base[i])).toFixed(2) : "";
  console.log(
    `| ${dialect} | ${operation} | ${tool} | ${median(xs).toFixed(0)} | ${xs.map((x) => x.toFixed(0)).join(", ")} | ${ratio} | ${paired} |`,
  );
}
console.log(`\n1-minute load average after each round: ${loads.map((x) => x.toFixed(1)).join(", ")} (2 cores)`);
