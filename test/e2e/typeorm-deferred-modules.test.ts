/**
 * Requiring typeorm no longer loads every driver TypeORM has, nor (TypeORM
 * 0.3) the sha.js package: only the DataSource's own driver runs
 * (loader/typeorm-deferred-modules.ts). The real CLI, on SQLite and
 * PostgreSQL with TypeORM 0.3 and 1.x: which modules ran, and that a
 * project's own code that reaches for a driver module or sha.js directly
 * sees them whole.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, TestProject, type ProjectDialect, type ProjectOptions } from "../support/project";
import { typeorm1Project } from "../support/typeorm1";
import { ITEM_V1 } from "../support/entities";

/** The driver folders of TypeORM's DriverFactory: none but the DataSource's may run. */
const DRIVER_FOLDERS = [
  "aurora-mysql",
  "aurora-postgres",
  "better-sqlite3",
  "capacitor",
  "cockroachdb",
  "cordova",
  "expo",
  "mongodb",
  "mysql",
  "nativescript",
  "oracle",
  "postgres",
  "react-native",
  "sap",
  "spanner",
  "sqljs",
  "sqlserver",
  "sqlite",
];

async function modulesRunBy(project: TestProject, args: string[]): Promise<string[]> {
  const log = join(project.dir, "modules.log");
  rmSync(log, { force: true });
  const result = await project.cli(args, {
    env: { NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "loaded-modules.cjs")}`, ATHANOR_TEST_MODULES_LOG: log },
  });
  assert.equal(result.code, 0, `athanor ${args.join(" ")}: ${result.stdout}${result.stderr}`);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

/** The driver folders whose modules ran (typeorm/driver/<folder>/<Name>Driver.js or …QueryRunner.js). */
function driversRun(modules: string[]): string[] {
  const folders = new Set<string>();
  for (const file of modules) {
    const match = /[\\/]typeorm[\\/]driver[\\/]([\w-]+)[\\/]\w+(Driver|QueryRunner)\.js$/.exec(file);
    if (match && DRIVER_FOLDERS.includes(match[1])) folders.add(match[1]);
  }
  return [...folders].sort();
}

const cases: { name: string; dialect: ProjectDialect; options: () => ProjectOptions; driver: string[] }[] = [
  { name: "TypeORM 0.3, SQLite", dialect: "sqlite", options: () => ({}), driver: ["sqlite"] },
  { name: "TypeORM 0.3, PostgreSQL", dialect: "postgres", options: () => ({}), driver: ["postgres"] },
  { name: "TypeORM 1.x, better-sqlite3", dialect: "sqlite", options: () => typeorm1Project(), driver: ["better-sqlite3"] },
  { name: "TypeORM 1.x, PostgreSQL", dialect: "postgres", options: () => typeorm1Project(), driver: ["postgres"] },
];

describe("typeorm loads only the DataSource's driver", () => {
  for (const { name, dialect, options, driver } of cases) {
    test(`${name}: generate and run run no other driver's modules, and no sha.js`, async () => {
      const project = await TestProject.create(dialect, { "Item.ts": ITEM_V1 }, options());
      try {
        const generated = await modulesRunBy(project, ["generate", "Init"]);
        assert.deepEqual(driversRun(generated), driver);
        assert.deepEqual(
          generated.filter((file) => /[\\/]node_modules[\\/]sha\.js[\\/]/.test(file)),
          [],
        );
        const ran = await modulesRunBy(project, ["run"]);
        assert.deepEqual(driversRun(ran), driver);
        assert.match((await project.ok(["status"])).stdout, /Init/);
      } finally {
        await project.cleanup();
      }
    });
  }
});

// A DataSource file that uses what is deferred, as a project's own code may.
const ORMCONFIG_USING_THEM = `import "reflect-metadata";
import { DataSource } from "typeorm";
import * as postgresDriver from "typeorm/driver/postgres/PostgresDriver";
import { MysqlDriver } from "typeorm/driver/mysql/MysqlDriver";
import { hash } from "typeorm/util/StringUtils";
const shaJs = require("sha.js");

const seen = {
  keys: Object.keys(postgresDriver).includes("PostgresDriver"),
  has: "PostgresDriver" in postgresDriver,
  postgresClass: typeof postgresDriver.PostgresDriver === "function" && postgresDriver.PostgresDriver.name,
  mysqlClass: typeof MysqlDriver === "function" && MysqlDriver.name,
  typeormHash: hash("abc"),
  shortHash: hash("abc", { length: 8 }),
  sha1: shaJs("sha1").update("abc", "utf8").digest("hex"),
  sha256: shaJs("SHA256").update(Buffer.from("abc")).digest("hex"),
  sha0: shaJs("sha").update("abc").digest("hex"),
  sha512Class: new shaJs.sha512().update("abc").digest("hex"),
  unknown: (() => { try { shaJs("md5"); return "accepted"; } catch (error) { return String(error.message); } })(),
};
process.stderr.write("seen: " + JSON.stringify(seen) + "\\n");

export default new DataSource({ type: "sqlite", database: "data/app.sqlite", entities: ["entities/*.ts"], migrations: ["migrations/*.ts"] });
`;

test("TypeORM 0.3: a DataSource file's own use of a driver module and of sha.js sees them as they are", async () => {
  const project = await TestProject.create("sqlite", { "Item.ts": ITEM_V1 });
  try {
    writeFileSync(join(project.dir, "ormconfig.ts"), ORMCONFIG_USING_THEM);
    const result = await project.ok(["generate", "Init"]);
    const line = /seen: (.*)/.exec(result.stderr);
    assert.ok(line, `no probe line in: ${result.stderr}`);
    const sha = (algorithm: string) => createHash(algorithm).update("abc").digest("hex");
    assert.deepEqual(JSON.parse(line[1]), {
      keys: true,
      has: true,
      postgresClass: "PostgresDriver",
      mysqlClass: "MysqlDriver",
      typeormHash: sha("sha1"),
      shortHash: sha("sha1").slice(0, 8),
      sha1: sha("sha1"),
      sha256: sha("sha256"),
      // SHA-0, which Node's crypto does not have: the package's own.
      sha0: "0164b8a914cd2a5e74c4f7ff082c4d97f1edf880",
      sha512Class: sha("sha512"),
      unknown: "md5 is not supported (we accept pull requests)",
    });
  } finally {
    await project.cleanup();
  }
});
