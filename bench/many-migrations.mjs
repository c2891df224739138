// `run` of N pending trivial migrations (one CREATE TABLE each; how they
// commit is the runner's: runner/execute.ts), N = 100, 1000, 2000 by default: the whole run's wall
// time and the time per migration, to see whether the per-migration cost
// grows with N. Rounds alternate which N goes first (the machine is shared).
//
//   node bench/many-migrations.mjs [--counts 100,1000,2000] [--dialects sqlite,postgres] [--rounds 2] [--cli bin/athanor[,other/bin/athanor]] [--hand]
//
// Several --cli (comma-separated) take turns on each N within a round, each
// on a fresh database, the order swapped every round: a before/after
// comparison in the same minutes of a shared machine's load.
//
// --hand also times the same statements sent by hand, each in its own
// transaction: the floor N commits cost on this machine's disk.
//
// Besides the wall time, each run's CPU (the CLI process's user + system,
// startup included) and the queries it sent, counted at the driver on
// every connection (bench/preload.cjs), per migration: the steady measures
// on a shared machine. And, from the first query on, the CLI's CPU per
// migration while no query is out (the database waits for the client: it
// adds to the wall time) and while one is (overlapped with the server's work).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDatabase, startPostgres } from "./databases.mjs";
import { repoRoot, resetProject, writeProject } from "./project.mjs";
import { invoke } from "./tools.mjs";
import { byHandMs, writeTinyMigrations } from "./tiny-migrations.mjs";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const counts = option("counts", "100,1000,2000").split(",").map(Number);
const dialects = option("dialects", "sqlite,postgres").split(",");
const rounds = Number(option("rounds", "2"));
const clis = option("cli", join(repoRoot, "bin", "athanor"))
  .split(",")
  .map((path) => resolve(path));
const withHand = process.argv.includes("--hand");
const handSamples = {};

const writeMigrations = (dir, count) =>
  writeTinyMigrations(dir, count, { up: (i) => `\`CREATE TABLE "tiny_${i}" ("id" integer)\``, down: (i) => `\`DROP TABLE "tiny_${i}"\`` });

/**
 * The floor: the same N statements sent by hand through TypeORM's driver,
 * each in its own transaction (what every runner pays for N commits).
 */
function handWrittenMs(dialect, count, url, dir) {
  return byHandMs(
    dialect === "postgres" ? { type: "postgres", url } : { type: "sqlite", database: join(dir, "data", "hand.sqlite") },
    count,
    (i) => `CREATE TABLE "tiny_${i}" ("id" integer)`,
  );
}

const server = dialects.includes("postgres") ? await startPostgres() : undefined;
const workDir = mkdtempSync(join(tmpdir(), "athanor-bench-many-"));
const samples = {};
/**
 * The databases' drops, put off to the end. Dropping a database of 2,000
 * tables unlinks as many files, and on an ext4 without a journal (this
 * machine's) every file created in the next minutes pays for them: its
 * inode search skips each recently deleted inode, for 60 s (360 s while the
 * inode table is dirty; kernel fs/ext4/ialloc.c, recently_deleted). A
 * CREATE TABLE right after such a drop took 3 times as long on the
 * server, for Athanor and by hand alike, and more each round.
 */
const drops = [];
try {
  for (let round = 0; round <= rounds; round++) {
    for (const dialect of dialects) {
      for (const count of round % 2 ? [...counts].reverse() : counts) {
        const dir = join(workDir, `${dialect}-${count}`);
        if (round === 0) writeProject(dir, { dialect, n: 0 });
        resetProject(dir);
        writeMigrations(dir, count);
        for (const cli of round % 2 ? [...clis].reverse() : clis) {
          const label = clis.length > 1 ? ` ${cli}` : "";
          rmSync(join(dir, "data"), { recursive: true, force: true });
          mkdirSync(join(dir, "data"));
          let env = {};
          if (dialect === "postgres") {
            const db = await createDatabase(server.url, "athanor_bench_many");
            env = { DATABASE_URL: db.url };
            drops.push(db.drop);
          }
          // Reviewed, as a team would have them: run refuses files athanor.sum does not cover.
          const sum = await invoke(cli, ["sum"], { cwd: dir, env });
          if (sum.code !== 0) throw new Error(`athanor sum exited ${sum.code}: ${sum.stderr.slice(0, 300)}`);
          const r = await invoke(cli, ["run"], { cwd: dir, env });
          if (r.code !== 0) throw new Error(`${dialect} ${count}: exit ${r.code}: ${(r.stdout + r.stderr).slice(0, 400)}`);
          // Round 0 warms the transpile cache: not counted.
          if (round > 0) (samples[`${dialect} ${count}${label}`] ??= []).push(r);
          console.error(
            `round ${round} ${dialect} N=${count}${label}: ${Math.round(r.ms)} ms, CPU ${Math.round(r.cpuMs ?? NaN)} ms, ` +
              `${((r.statements ?? NaN) / count).toFixed(2)} queries per migration, ` +
              `CPU per migration with no query out ${perMigration(r.phases?.client.cpuMs, count)} ms, with one out ${perMigration(r.phases?.waiting.cpuMs, count)} ms ` +
              `(load ${loadavg()[0].toFixed(1)})`,
          );
          if (round > 0 && withHand) {
            let url;
            if (dialect === "postgres") {
              const db = await createDatabase(server.url, "athanor_bench_many_hand");
              url = db.url;
              drops.push(db.drop);
            }
            const hand = await handWrittenMs(dialect, count, url, dir);
            (handSamples[`${dialect} ${count}`] ??= []).push(hand);
            console.error(`round ${round} ${dialect} N=${count} by hand: ${Math.round(hand)} ms`);
          }
        }
      }
    }
  }
} finally {
  for (const drop of drops) await drop().catch(() => undefined);
  rmSync(workDir, { recursive: true, force: true });
  await server?.stop();
}
function perMigration(ms, count) {
  return ms === undefined ? "?" : (ms / count).toFixed(3);
}
const medianOf = (xs) => (xs ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : undefined);
console.log(
  `| dialect | N | run, median of ${rounds} (ms) | per migration (ms) | CLI CPU, median (ms) | CPU per migration, no query out / one out (ms) | queries per migration | by hand (ms) | by hand per migration (ms) |`,
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const [key, runs] of Object.entries(samples)) {
  const [dialect, count, cli] = key.split(" ");
  const median = medianOf(runs.map((r) => r.ms));
  const cpu = medianOf(runs.map((r) => r.cpuMs ?? NaN));
  const queries = medianOf(runs.map((r) => r.statements ?? NaN)) / Number(count);
  const idle = perMigration(medianOf(runs.map((r) => r.phases?.client.cpuMs ?? NaN)), Number(count));
  const overlapped = perMigration(medianOf(runs.map((r) => r.phases?.waiting.cpuMs ?? NaN)), Number(count));
  const hand = medianOf(handSamples[`${dialect} ${count}`]);
  const handCells = hand === undefined ? "| | " : `| ${Math.round(hand)} | ${(hand / Number(count)).toFixed(2)} `;
  console.log(
    `| ${dialect}${cli ? ` (${cli})` : ""} | ${count} | ${Math.round(median)} | ${(median / Number(count)).toFixed(2)} | ${Math.round(cpu)} | ${idle} / ${overlapped} | ${queries.toFixed(2)} ${handCells}|`,
  );
}
console.log(
  `\nload average at the end: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(", ")}`,
);
