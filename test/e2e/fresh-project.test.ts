/**
 * A new project on today's npm, as a user makes one: Athanor installed from
 * the tarball `npm pack` makes of this checkout (what the registry would
 * serve), everything else from the npm registry as it is today, nothing
 * linked to this repository. Two projects:
 *
 * - TypeORM's current line (`typeorm`, `typescript` and `reflect-metadata` at
 *   their latest), where `init` names the SQLite driver still missing and
 *   its install line is run as printed;
 * - TypeORM 0.3 with sqlite3 and TypeScript 5.9, the README's alternative.
 *
 * In each: `athanor init`, an entity whose base class is imported through a
 * tsconfig path alias, then through the npm scripts `init` added: generate,
 * run, generate again ("No changes"), revert — on SQLite and on PostgreSQL.
 *
 * Four npm installs in all, on the user's npm cache. The SQLite drivers are
 * the registry's packages, installed with their own install scripts; only
 * their compiled binary comes from this checkout (see prebuilt-drivers.ts).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { DataSource } from "typeorm";
import { createTestDatabase } from "../support/postgres";
import { offerCompiledDrivers } from "../support/prebuilt-drivers";
import { repoRoot, spawnProgram, type CliResult } from "../support/project";

/** An npm install from the registry may compile, download, retry: bounded, but generously. */
const INSTALL_TIMEOUT_MS = 8 * 60_000;
const COMMAND_TIMEOUT_MS = 2 * 60_000;

const NAMED = `import { Column, PrimaryGeneratedColumn } from "typeorm";

/** Columns every named thing has; entities import it as "@/model/named". */
export abstract class Named {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 100 })
  name: string;
}
`;

const USER = `import { Column, Entity } from "typeorm";
import { Named } from "@/model/named";

@Entity({ name: "users" })
export class User extends Named {
  @Column({ type: "varchar", length: 200, nullable: true })
  email: string | null;
}
`;

let root: string;
let tarball: string;
let packedFiles: string[];
let driverVersions: Record<string, string>;

/** npm settings kept from the environment: where the registry is and how to reach it, and the cache. */
const NPM_SETTINGS_KEPT = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|ca)$/i;

/**
 * The environment for npm and the CLI in a project: no DATABASE_URL, and
 * nothing of the npm running this suite (`npm test` sets npm_package_*,
 * npm_lifecycle_* and npm_config_local_prefix, which would make the npm in
 * the project act on this repository) but its registry and cache.
 */
function projectEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !NPM_SETTINGS_KEPT.test(key)) continue;
    if (key === "INIT_CWD" || key === "DATABASE_URL" || key === "TS_NODE_TRANSPILE_ONLY") continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

function command(
  cwd: string,
  program: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return spawnProgram(program, args, { cwd, env: projectEnv(options.env), killAfterMs: options.timeoutMs ?? COMMAND_TIMEOUT_MS }).result;
}

async function ok(
  cwd: string,
  program: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  const result = await command(cwd, program, args, options);
  assert.equal(
    result.code,
    0,
    `${program} ${args.join(" ")} in ${cwd} exited ${result.code} (${result.signal ?? "no signal"})\n${result.stdout}\n${result.stderr}`,
  );
  return result;
}

function npmInstall(cwd: string, packages: string[]): Promise<CliResult> {
  return ok(cwd, "npm", ["install", "--no-audit", "--no-fund", ...packages], { timeoutMs: INSTALL_TIMEOUT_MS });
}

/** `npm run <script> -- args`, as the README says. */
function npmRun(cwd: string, script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return command(cwd, "npm", ["run", "--silent", script, "--", ...args], { env });
}

function installedVersion(project: string, name: string): string {
  return JSON.parse(readFileSync(join(project, "node_modules", name, "package.json"), "utf8")).version;
}

/** The range the project's installed TypeORM accepts for a peer package ("" when it names none). */
function peerRange(project: string, name: string): string {
  return JSON.parse(readFileSync(join(project, "node_modules", "typeorm", "package.json"), "utf8")).peerDependencies?.[name] ?? "";
}

/** A new directory holding only a package.json, as `npm init -y` leaves it. */
function newProject(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true }, null, 2) + "\n");
  return dir;
}

/** The `npm install …` line `init` printed under "Next:", as arguments, or undefined. */
function installArguments(initOutput: string): string[] | undefined {
  return /^ {2}npm install (.+)$/m.exec(initOutput)?.[1].split(" ");
}

/** The User entity, its base class behind the alias "@/*" → "./src/*" added to the tsconfig init wrote. */
function addAliasedEntity(dir: string): void {
  const tsconfigPath = join(dir, "tsconfig.json");
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, "utf8"));
  tsconfig.compilerOptions.paths = { "@/*": ["./src/*"] };
  writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2) + "\n");
  mkdirSync(join(dir, "src", "model"), { recursive: true });
  writeFileSync(join(dir, "src", "model", "named.ts"), NAMED);
  writeFileSync(join(dir, "entities", "User.ts"), USER);
}

function migrationFiles(dir: string): string[] {
  return readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".ts"));
}

/** The columns of users, in order; [] when there is no such table. */
type ColumnsOf = () => Promise<string[]>;

function sqliteColumns(dir: string): ColumnsOf {
  return async () => {
    const ds = new DataSource({ type: "sqlite", database: join(dir, "data", "app.sqlite") });
    await ds.initialize();
    try {
      const rows = await ds.query(`SELECT name FROM pragma_table_info('users') ORDER BY cid`);
      return rows.map((r: { name: string }) => r.name);
    } finally {
      await ds.destroy();
    }
  };
}

function postgresColumns(url: string): ColumnsOf {
  return async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users' ORDER BY ordinal_position`,
      );
      return rows.map((r: { column_name: string }) => r.column_name);
    } finally {
      await client.end();
    }
  };
}

/**
 * From an empty database and no migration: generate, run, generate again,
 * revert, through the project's npm scripts (its installed athanor bin).
 */
async function roundTrip(dir: string, columns: ColumnsOf, env: NodeJS.ProcessEnv = {}): Promise<void> {
  rmSync(join(dir, "migrations"), { recursive: true, force: true });
  mkdirSync(join(dir, "migrations"));
  rmSync(join(dir, "data"), { recursive: true, force: true });
  const say = (r: CliResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

  const generated = await npmRun(dir, "migration:generate", ["Init"], env);
  assert.equal(generated.code, 0, say(generated));
  assert.match(generated.stdout, /Wrote migrations\/\d{13}-Init\.ts/);
  assert.equal(migrationFiles(dir).length, 1);

  const run = await npmRun(dir, "migration:run", [], env);
  assert.equal(run.code, 0, say(run));
  assert.match(run.stdout, /Applied 1 migration/);
  assert.deepEqual(await columns(), ["id", "name", "email"], "the base class's columns, then the entity's");

  const again = await npmRun(dir, "migration:generate", [], env);
  assert.equal(again.code, 0, say(again));
  assert.match(again.stdout, /No changes/);
  assert.equal(migrationFiles(dir).length, 1, "the second generate wrote a file");

  const reverted = await npmRun(dir, "migration:revert", [], env);
  assert.equal(reverted.code, 0, say(reverted));
  assert.deepEqual(await columns(), [], "revert left the users table");
}

async function onPostgres(dir: string): Promise<void> {
  const database = await createTestDatabase("athanor_fresh");
  try {
    await roundTrip(dir, postgresColumns(database.url), { DATABASE_URL: database.url });
  } finally {
    await database.drop();
  }
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "athanor-fresh-"));
  // dist/ is built (npm test's pretest); packing must not rebuild it under the running suite.
  const pack = await ok(repoRoot, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root]);
  const packed = JSON.parse(pack.stdout)[0];
  tarball = join(root, packed.filename);
  packedFiles = packed.files.map((f: { path: string }) => f.path);
  driverVersions = offerCompiledDrivers(root, ["better-sqlite3", "sqlite3"]);
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test("npm pack ships what the CLI and the API need, and no tests, sources or benchmarks", () => {
  const outside = packedFiles.filter(
    (f) => !/^(dist\/.+\.(js|d\.ts)|bin\/athanor|docs\/.+\.md|docs\/ci\/.+\.yml|README\.md|LICENSE|package\.json)$/.test(f),
  );
  assert.deepEqual(outside, [], "files outside dist/, bin/, docs/, README, LICENSE");
  for (const needed of [
    "bin/athanor",
    "dist/cli/main.js",
    "dist/index.js",
    "dist/index.d.ts",
    "LICENSE",
    "README.md",
    "docs/errors.md",
    "docs/ci/pull-request-report.yml",
  ]) {
    assert.ok(packedFiles.includes(needed), `${needed} is not in the package`);
  }
  const license = readFileSync(join(repoRoot, "LICENSE"), "utf8");
  assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 The Athanor authors\n/);
  assert.equal(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).license, "MIT");
});

describe("a new project on TypeORM's current line, Athanor from npm pack", () => {
  let dir: string;
  before(async () => {
    dir = newProject("current");
    await npmInstall(dir, [tarball, "typeorm", "typescript", "reflect-metadata", "pg"]);
  });

  test("init names the SQLite driver still missing, and its install line works as printed", async () => {
    const init = await ok(dir, "npx", ["--no", "athanor", "init"]);
    const versions = `typeorm ${installedVersion(dir, "typeorm")}, typescript ${installedVersion(dir, "typescript")}`;
    assert.match(readFileSync(join(dir, "ormconfig.ts"), "utf8"), /type: "better-sqlite3"/, versions);
    // better-sqlite3 13 (in TypeORM 1.1.4's peer range, not 1.1.3's) needs Node 22: it crashes on Node 20.
    const nodeMajor = Number(process.versions.node.split(".")[0]);
    const install = installArguments(init.stdout);
    const expected = nodeMajor >= 22 && /\b13\./.test(peerRange(dir, "better-sqlite3")) ? 13 : 12;
    assert.deepEqual(install, [`better-sqlite3@${expected}`], `${versions}\n${init.stdout}`);
    await npmInstall(dir, install!);
    assert.match(installedVersion(dir, "better-sqlite3"), new RegExp(`^${expected}\\.`));
    addAliasedEntity(dir);
  });

  test("SQLite (better-sqlite3): generate, run, generate finds nothing, revert", async () => {
    await roundTrip(dir, sqliteColumns(dir));
  });

  test("PostgreSQL: generate, run, generate finds nothing, revert", async () => {
    await onPostgres(dir);
  });
});

describe("a new project on TypeORM 0.3 with sqlite3 and TypeScript 5.9, Athanor from npm pack", () => {
  let dir: string;
  before(async () => {
    dir = newProject("typeorm03");
    // sqlite3 at this checkout's version (a 5.x every TypeORM 0.3 accepts), whose compiled binary is offered.
    await npmInstall(dir, [tarball, "typeorm@0.3", "typescript@5.9", "reflect-metadata", `sqlite3@${driverVersions.sqlite3}`, "pg"]);
  });

  test("init writes the sqlite driver's DataSource and has nothing left to install", async () => {
    const init = await ok(dir, "npx", ["--no", "athanor", "init"]);
    assert.match(installedVersion(dir, "typeorm"), /^0\.3\./);
    assert.match(readFileSync(join(dir, "ormconfig.ts"), "utf8"), /type: "sqlite"/);
    assert.equal(installArguments(init.stdout), undefined, init.stdout);
    addAliasedEntity(dir);
  });

  test("SQLite (sqlite3): generate, run, generate finds nothing, revert", async () => {
    await roundTrip(dir, sqliteColumns(dir));
  });

  test("PostgreSQL: generate, run, generate finds nothing, revert", async () => {
    await onPostgres(dir);
  });
});
