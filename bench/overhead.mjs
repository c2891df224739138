// Run overhead: `count` tiny pending migrations applied by one `run`, each in
// its own transaction. Per migration, overhead = (time of that run − time of
// a run in the same project with no migrations at all − time the same
// statements take sent directly, each in its own transaction) / count: what
// the tool adds to each migration (loading its file, bookkeeping, locking,
// transaction handling, output) beyond its own SQL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase } from "./databases.mjs";
import { resetProject, writeProject } from "./project.mjs";
import { invoke, TOOLS } from "./tools.mjs";
import { byHandMs, writeTinyMigrations } from "./tiny-migrations.mjs";

const RUN_ARGS = {
  athanor: ["run", "--transaction", "each"],
  typeorm: ["migration:run", "-d", "ormconfig.ts", "--transaction", "each"],
};

const statementOf = (i) => `CREATE TABLE "tiny_${i}" ("id" integer)`;
// MariaDB reads "tiny_1" as a string without ANSI_QUOTES: the same statements in backticks.
const inDialect = (dialect, sql) => (dialect === "mariadb" ? sql.replace(/"/g, "`") : sql);

function writeMigrations(dir, count, dialect) {
  writeTinyMigrations(dir, count, {
    up: (i) => JSON.stringify(inDialect(dialect, statementOf(i))),
    down: (i) => JSON.stringify(inDialect(dialect, `DROP TABLE "tiny_${i}"`)),
  });
}

/**
 * Milliseconds for the `count` statements sent directly through a TypeORM
 * DataSource (the driver and connection settings both CLIs use), each in its
 * own transaction.
 */
function directSqlMs(dialect, count, url, dir) {
  return byHandMs(
    dialect === "sqlite" ? { type: "sqlite", database: join(dir, "data", "direct.sqlite") } : { type: dialect, url },
    count,
    (i) => inDialect(dialect, statementOf(i)),
  );
}

export async function overhead({ dialect, count, rounds, typeormRounds, serverUrl, tools, log }) {
  const workDir = mkdtempSync(join(tmpdir(), `athanor-bench-overhead-${dialect}-`));
  const full = join(workDir, "full");
  const empty = join(workDir, "empty");
  writeProject(full, { dialect, n: 0 });
  writeProject(empty, { dialect, n: 0 });
  writeMigrations(full, count, dialect);
  const results = {};
  for (const tool of tools) results[tool] = { runMs: [], emptyMs: [], sqlMs: [], perMigrationMs: [], rssKb: [], failures: [] };

  const fresh = async (dir) => {
    resetProject(dir);
    if (dir === full) writeMigrations(full, count, dialect);
    if (dialect === "sqlite") return { env: {}, drop: async () => undefined };
    const db = await createDatabase(serverUrl, "athanor_bench_overhead");
    return { env: { DATABASE_URL: db.url }, drop: db.drop, url: db.url };
  };

  try {
    // Round 0 warms Athanor's transpile cache and is not counted.
    for (let round = 0; round <= rounds; round++) {
      const active = tools.filter((tool) => (round === 0 ? tool === "athanor" : tool !== "typeorm" || round <= typeormRounds));
      log(`  overhead ${dialect} ${count} migrations, round ${round === 0 ? "warm-up" : `${round}/${rounds}`} (${active.join(", ")})`);
      for (const tool of round % 2 === 0 ? active : [...active].reverse()) {
        const slot = results[tool];
        const emptyDb = await fresh(empty);
        const emptyRun = await invoke(TOOLS[tool].cli, RUN_ARGS[tool], { cwd: empty, env: emptyDb.env });
        await emptyDb.drop();
        const fullDb = await fresh(full);
        // Reviewed, as a team would have them: Athanor's run refuses files athanor.sum does not cover.
        if (tool === "athanor") await invoke(TOOLS.athanor.cli, ["sum"], { cwd: full, env: fullDb.env });
        const fullRun = await invoke(TOOLS[tool].cli, RUN_ARGS[tool], { cwd: full, env: fullDb.env });
        await fullDb.drop();
        const sqlDb = await fresh(empty);
        const sqlMs = await directSqlMs(dialect, count, sqlDb.url, empty);
        await sqlDb.drop();
        if (emptyRun.code !== 0 || fullRun.code !== 0) {
          const failed = emptyRun.code !== 0 ? emptyRun : fullRun;
          const message = `exit ${failed.code}: ${(failed.stdout + failed.stderr).trim().split("\n").slice(0, 3).join(" | ").slice(0, 300)}`;
          slot.failures.push(message);
          log(`    ${tool}: ${message}`);
          continue;
        }
        if (round === 0) continue;
        slot.runMs.push(fullRun.ms);
        slot.emptyMs.push(emptyRun.ms);
        slot.sqlMs.push(sqlMs);
        slot.perMigrationMs.push((fullRun.ms - emptyRun.ms - sqlMs) / count);
        if (fullRun.maxRssKb) slot.rssKb.push(fullRun.maxRssKb);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return results;
}
