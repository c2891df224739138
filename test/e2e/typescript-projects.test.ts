/**
 * Projects as today's npm and today's frameworks make them, loaded by the
 * real CLI: `npm i -D typescript` now gives TypeScript 7 (no JavaScript
 * compiler API at its main entry) or a project has no TypeScript at all;
 * NestJS-style tsconfig `paths` aliases, with and without `baseUrl`;
 * `extends` from a package and arrays of them; `rootDirs`; a DataSource in
 * src/ named with -d and an `src/**\/*.entity.ts` glob; an npm-workspaces
 * monorepo with typeorm hoisted to the root. Each project goes through
 * generate → run → generate, which must find nothing left to do.
 *
 * The projects' node_modules hold only what their package.json would
 * install (typeorm, reflect-metadata, the driver, athanor): Athanor's own
 * TypeScript is found from Athanor, never from the project.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cliEnv, repoRoot, runCli, type CliResult } from "../support/project";
import { createTestDatabase, type TestDatabase } from "../support/postgres";

const repoModules = join(repoRoot, "node_modules");

/**
 * The real TypeScript 7 package from the registry (npm's cache makes it
 * quick after the first time), installed once for the file and copied into
 * each project that has it. Its main entry exports only `version`.
 */
let typescript7: string;
before(() => {
  typescript7 = mkdtempSync(join(tmpdir(), "athanor-ts7-"));
  writeFileSync(join(typescript7, "package.json"), JSON.stringify({ name: "ts7", private: true }));
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "typescript@7"], {
    cwd: typescript7,
    stdio: "pipe",
    timeout: 120_000,
  });
  const manifest = JSON.parse(readFileSync(join(typescript7, "node_modules", "typescript", "package.json"), "utf8"));
  assert.match(manifest.version, /^7\./);
});
after(() => rmSync(typescript7, { recursive: true, force: true }));

/** Write `files` (path → text) under `dir`. */
function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A node_modules with the packages a TypeORM project installs (linked from this checkout's), and athanor. */
function installPackages(dir: string, options: { typescript?: "7" | "none" } = {}): void {
  const target = join(dir, "node_modules");
  mkdirSync(target, { recursive: true });
  for (const name of ["typeorm", "reflect-metadata", "sqlite3", "pg"]) symlinkSync(join(repoModules, name), join(target, name));
  symlinkSync(repoRoot, join(target, "athanor"));
  if (options.typescript === "7") {
    cpSync(join(typescript7, "node_modules"), target, { recursive: true });
  }
}

const DECORATORS = { experimentalDecorators: true, emitDecoratorMetadata: true, strictPropertyInitialization: false };

const DATA_SOURCE = (entities: string, migrations: string, extra = "") => `import "reflect-metadata";
import { DataSource } from "typeorm";
${extra}
export default new DataSource(
  process.env.DATABASE_URL
    ? { type: "postgres", url: process.env.DATABASE_URL, entities: [${entities}], migrations: [${migrations}] }
    : { type: "sqlite", database: "data/app.sqlite", entities: [${entities}], migrations: [${migrations}] },
);
`;

const USER = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity()
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  name: string;

  @Column()
  active: boolean;
}
`;

/** A NestJS-style base class other entities import through an alias. */
const BASE = `import { CreateDateColumn, PrimaryGeneratedColumn } from "typeorm";

export abstract class BaseEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @CreateDateColumn()
  createdAt: Date;
}
`;

const entityOn = (base: string, name: string, table: string) => `import { Column, Entity } from "typeorm";
import { BaseEntity } from "${base}";

@Entity({ name: "${table}" })
export class ${name} extends BaseEntity {
  @Column()
  title: string;
}
`;

interface Project {
  dir: string;
  database?: TestDatabase;
}

async function cli(project: Project, args: string[], cwd = project.dir): Promise<CliResult> {
  return runCli(cwd, args, cliEnv(project.database ? { DATABASE_URL: project.database.url } : {}));
}

/** generate → run → generate (nothing left), each exiting 0; the created tables are returned by the check. */
async function roundTrip(project: Project, dataSourceArgs: string[] = [], cwd = project.dir): Promise<void> {
  const generate = await cli(project, ["generate", "Init", ...dataSourceArgs], cwd);
  assert.equal(generate.code, 0, generate.stdout + generate.stderr);
  assert.match(generate.stdout, /Wrote .*Init\.ts/);
  const run = await cli(project, ["run", ...dataSourceArgs], cwd);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const again = await cli(project, ["generate", "--check", ...dataSourceArgs], cwd);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No changes/);
}

function project(prefix: string): Project {
  return { dir: mkdtempSync(join(tmpdir(), `athanor-tsproject-${prefix}-`)) };
}

const cleanup = async (p: Project) => {
  await p.database?.drop();
  rmSync(p.dir, { recursive: true, force: true });
};

describe("which TypeScript the project has does not matter", () => {
  for (const typescript of ["7", "none"] as const) {
    test(`TypeScript ${typescript === "7" ? "7 in the project's node_modules" : "not installed at all"}: generate, run, generate finds no changes`, async () => {
      const p = project(`ts-${typescript}`);
      try {
        installPackages(p.dir, { typescript });
        write(p.dir, {
          "package.json": JSON.stringify({
            name: "app",
            private: true,
            devDependencies: typescript === "7" ? { typescript: "^7.0.0" } : {},
          }),
          "ormconfig.ts": DATA_SOURCE(`"entities/*.ts"`, `"migrations/*.ts"`),
          "entities/User.ts": USER,
        });
        if (typescript === "7") {
          // The tsconfig.json TypeScript 7's own `tsc --init` writes (NodeNext, verbatimModuleSyntax, no decorators).
          execFileSync(process.execPath, [join(p.dir, "node_modules", "typescript", "bin", "tsc"), "--init"], {
            cwd: p.dir,
            stdio: "pipe",
          });
          assert.match(readFileSync(join(p.dir, "tsconfig.json"), "utf8"), /"module": "nodenext"/);
        } else {
          // A target newer than Athanor's TypeScript 5.x knows.
          write(p.dir, {
            "tsconfig.json": JSON.stringify({ compilerOptions: { target: "ES2025", module: "commonjs", strict: true, ...DECORATORS } }),
          });
        }
        assert.equal(existsSync(join(p.dir, "node_modules", "typescript")), typescript === "7");
        await roundTrip(p);
        // Migrations are TypeScript too, loaded the same way: one was applied.
        const status = await cli(p, ["status"]);
        assert.equal(status.code, 0, status.stdout + status.stderr);
        // Classes stay classes: an unknown or "esnext" target is not taken for ES5.
        const cache = join(p.dir, "node_modules", ".cache", "athanor", "ts");
        const user = readdirSync(cache)
          .map((f) => readFileSync(join(cache, f), "utf8"))
          .find((js) => js.includes("User"));
        assert.match(user ?? "", /\bclass User\b/);
      } finally {
        await cleanup(p);
      }
    });
  }

  test("no tsconfig.json and TypeScript 7: TypeScript's defaults, decorator metadata still emitted", async () => {
    const p = project("no-tsconfig");
    try {
      installPackages(p.dir, { typescript: "7" });
      write(p.dir, {
        "package.json": JSON.stringify({ name: "app", private: true }),
        "ormconfig.ts": DATA_SOURCE(`"entities/*.ts"`, `"migrations/*.ts"`),
        "entities/User.ts": USER,
      });
      await roundTrip(p);
    } finally {
      await cleanup(p);
    }
  });
});

/**
 * The NestJS layout: tsconfig at the root with `baseUrl` and `paths`
 * (`@app/common/*`), the DataSource in src/ named with -d, entities by an
 * `src/**\/*.entity.ts`-style glob from `__dirname`, migrations in
 * src/migrations; the DataSource and a hand-written migration import
 * through the alias too.
 */
function nestProject(dir: string): void {
  installPackages(dir, { typescript: "7" });
  write(dir, {
    "package.json": JSON.stringify({ name: "nest-app", private: true }),
    "tsconfig.json": `{
  // as nest new writes it, plus the alias of a library
  "compilerOptions": {
    "module": "commonjs",
    "declaration": true,
    "removeComments": true,
    "emitDecoratorMetadata": true,
    "experimentalDecorators": true,
    "allowSyntheticDefaultImports": true,
    "target": "ES2021",
    "sourceMap": true,
    "outDir": "./dist",
    "baseUrl": "./",
    "incremental": true,
    "skipLibCheck": true,
    "strictNullChecks": false,
    "paths": {
      "@app/common": ["libs/common/src"],
      "@app/common/*": ["libs/common/src/*"],
    },
  },
}
`,
    "libs/common/src/index.ts": `export * from "./base";\n`,
    "libs/common/src/base.ts": BASE,
    "libs/common/src/database.ts": `export const sqliteFile = "data/app.sqlite";\nexport const SEEDED = "seeded";\n`,
    "src/data-source.ts": `import "reflect-metadata";
import { DataSource } from "typeorm";
import { sqliteFile } from "@app/common/database";

export default new DataSource(
  process.env.DATABASE_URL
    ? { type: "postgres", url: process.env.DATABASE_URL, entities: [__dirname + "/**/*.entity{.ts,.js}"], migrations: [__dirname + "/migrations/*{.ts,.js}"] }
    : { type: "sqlite", database: sqliteFile, entities: [__dirname + "/**/*.entity{.ts,.js}"], migrations: [__dirname + "/migrations/*{.ts,.js}"] },
);
`,
    "src/posts/post.entity.ts": entityOn("@app/common/base", "Post", "posts"),
    "src/users/user.entity.ts": entityOn("@app/common", "Member", "members"),
  });
}

describe("tsconfig paths, extends and rootDirs", () => {
  for (const dialect of ["sqlite", "postgres"] as const) {
    test(`${dialect}: a NestJS project (paths + baseUrl aliases, -d src/data-source.ts, src/**/*.entity.ts, TypeScript 7)`, async () => {
      const p = project(`nest-${dialect}`);
      try {
        if (dialect === "postgres") p.database = await createTestDatabase("athanor_tsprojects");
        nestProject(p.dir);
        await roundTrip(p, ["-d", "src/data-source.ts"]);
        assert.deepEqual(
          readdirSync(join(p.dir, "src", "migrations"))
            .filter((f) => f.endsWith(".ts"))
            .map((f) => f.replace(/^\d+/, "")),
          ["-Init.ts"],
        );
        // A migration importing through the alias.
        write(p.dir, {
          "src/migrations/1900000000000-Seed.ts": `import type { MigrationInterface, QueryRunner } from "typeorm";
import { SEEDED } from "@app/common/database";

export class Seed1900000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`INSERT INTO "posts" ("title") VALUES ('\${SEEDED}')\`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`DELETE FROM "posts" WHERE "title" = '\${SEEDED}'\`);
  }
}
`,
        });
        const sum = await cli(p, ["sum", "-d", "src/data-source.ts"]);
        assert.equal(sum.code, 0, sum.stdout + sum.stderr);
        const run = await cli(p, ["run", "-d", "src/data-source.ts"]);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, /Seed1900000000000/);
        // Warm caches (transpiled files, model, resolutions): the aliases still resolve.
        const check = await cli(p, ["generate", "--check", "-d", "src/data-source.ts"]);
        assert.equal(check.code, 0, check.stdout + check.stderr);
        assert.match(check.stdout, /No changes/);
        // Changing what an alias points to is seen by the model cache.
        write(p.dir, {
          "libs/common/src/base.ts": BASE.replace("createdAt: Date;", "createdAt: Date;\n\n  @CreateDateColumn()\n  updatedAt: Date;"),
        });
        const changed = await cli(p, ["generate", "--check", "-d", "src/data-source.ts"]);
        assert.equal(changed.code, 1, changed.stdout + changed.stderr);
        assert.match(changed.stdout, /updatedAt/);
      } finally {
        await cleanup(p);
      }
    });
  }

  test("paths without baseUrl, rootDirs, and extends from a package and an array of extends", async () => {
    const p = project("extends");
    try {
      installPackages(p.dir);
      write(p.dir, {
        "package.json": JSON.stringify({ name: "app", private: true }),
        // A shared config package, as @tsconfig/node20 or a company's base is installed.
        "node_modules/@acme/tsconfig/package.json": JSON.stringify({ name: "@acme/tsconfig", version: "1.0.0" }),
        "node_modules/@acme/tsconfig/tsconfig.json": JSON.stringify({ compilerOptions: { target: "ES2022", strict: true, ...DECORATORS } }),
        "tsconfig.paths.json": JSON.stringify({ compilerOptions: { paths: { "~/*": ["./src/*"] } } }),
        "tsconfig.json": JSON.stringify({
          extends: ["@acme/tsconfig", "./tsconfig.paths.json"],
          compilerOptions: { rootDirs: ["src", "generated"] },
        }),
        "ormconfig.ts": DATA_SOURCE(`"src/**/*.entity.ts"`, `"migrations/*.ts"`),
        "src/shared/base.ts": BASE,
        "src/post.entity.ts": entityOn("~/shared/base", "Post", "posts"),
        // rootDirs: ./kinds lives in generated/, merged with src/.
        "generated/kinds.ts": `export const KIND_LENGTH = 12;\n`,
        "src/tag.entity.ts": `import { Column, Entity, PrimaryColumn } from "typeorm";
import { KIND_LENGTH } from "./kinds";

@Entity({ name: "tags" })
export class Tag {
  @PrimaryColumn({ length: KIND_LENGTH })
  name: string;
}
`,
      });
      await roundTrip(p);
      const migration = readdirSync(join(p.dir, "migrations")).find((f) => f.endsWith(".ts"))!;
      assert.match(readFileSync(join(p.dir, "migrations", migration), "utf8"), /name: "name", type: "varchar", length: 12/);
    } finally {
      await cleanup(p);
    }
  });

  test("a bundler-style tsconfig (moduleResolution bundler, customConditions, allowImportingTsExtensions with noEmit, imports ending in .ts)", async () => {
    const p = project("bundler");
    try {
      installPackages(p.dir, { typescript: "7" });
      write(p.dir, {
        "package.json": JSON.stringify({ name: "app", private: true }),
        "tsconfig.json": JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "preserve",
            moduleResolution: "bundler",
            customConditions: ["development"],
            allowImportingTsExtensions: true,
            noEmit: true,
            ...DECORATORS,
          },
        }),
        "ormconfig.ts": DATA_SOURCE(`"entities/*.entity.ts"`, `"migrations/*.ts"`),
        "entities/limits.ts": `export const TITLE_LENGTH = 80;\n`,
        "entities/post.entity.ts": `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { TITLE_LENGTH } from "./limits.ts";

@Entity({ name: "posts" })
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: TITLE_LENGTH })
  title: string;
}
`,
      });
      await roundTrip(p);
      const migration = readdirSync(join(p.dir, "migrations")).find((f) => f.endsWith(".ts"))!;
      assert.match(readFileSync(join(p.dir, "migrations", migration), "utf8"), /length: 80/);
    } finally {
      await cleanup(p);
    }
  });

  test("an npm-workspaces monorepo: typeorm hoisted to the root, the app in packages/app, a workspace library", async () => {
    const p = project("workspace");
    try {
      installPackages(p.dir, { typescript: "7" });
      const app = join(p.dir, "packages", "app");
      write(p.dir, {
        "package.json": JSON.stringify({ name: "monorepo", private: true, workspaces: ["packages/*"] }),
        "tsconfig.base.json": JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, ...DECORATORS } }),
        "packages/common/package.json": JSON.stringify({ name: "@acme/common", version: "1.0.0", main: "src/index.ts" }),
        "packages/common/src/index.ts": BASE,
        "packages/app/package.json": JSON.stringify({
          name: "@acme/app",
          version: "1.0.0",
          dependencies: { "@acme/common": "*", typeorm: "*" },
        }),
        "packages/app/tsconfig.json": JSON.stringify({ extends: "../../tsconfig.base.json", compilerOptions: { baseUrl: "src" } }),
        "packages/app/ormconfig.ts": DATA_SOURCE(`"src/**/*.entity.ts"`, `"migrations/*.ts"`),
        // baseUrl alone: "entities/shared" is src/entities/shared.ts.
        "packages/app/src/entities/shared.ts": `export const TABLE = "posts";\n`,
        "packages/app/src/entities/post.entity.ts": entityOn("@acme/common", "Post", "posts")
          .replace(
            `import { BaseEntity } from "@acme/common";`,
            `import { BaseEntity } from "@acme/common";\nimport { TABLE } from "entities/shared";`,
          )
          .replace(`{ name: "posts" }`, "{ name: TABLE }"),
      });
      // npm links each workspace into the root's node_modules.
      mkdirSync(join(p.dir, "node_modules", "@acme"));
      symlinkSync(join(p.dir, "packages", "common"), join(p.dir, "node_modules", "@acme", "common"));
      await roundTrip(p, [], app);
      assert.ok(existsSync(join(p.dir, "node_modules", ".cache", "athanor")), "the cache lives in the root's node_modules");
    } finally {
      await cleanup(p);
    }
  });
});

describe("what stops loading TypeScript (exit 2, one sentence)", () => {
  test("E100 extends a package that is not installed", async () => {
    const p = project("e100");
    try {
      installPackages(p.dir);
      write(p.dir, {
        "tsconfig.json": JSON.stringify({ extends: "@tsconfig/node99/tsconfig.json" }),
        "ormconfig.ts": DATA_SOURCE(`"entities/*.ts"`, `"migrations/*.ts"`),
        "entities/User.ts": USER,
      });
      const result = await cli(p, ["generate", "Init"]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.equal(
        result.stderr.trim(),
        `error: tsconfig.json extends "@tsconfig/node99/tsconfig.json", which does not exist (a missing package, or a wrong path): fix tsconfig.json and run again.`,
      );
    } finally {
      await cleanup(p);
    }
  });

  test("E101 a tsconfig.json that is not JSON", async () => {
    const p = project("e101");
    try {
      installPackages(p.dir);
      write(p.dir, {
        "tsconfig.json": `{ "compilerOptions": { "target": "ES2022" `,
        "ormconfig.ts": DATA_SOURCE(`"entities/*.ts"`, `"migrations/*.ts"`),
        "entities/User.ts": USER,
      });
      const result = await cli(p, ["generate", "Init"]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /^error: tsconfig\.json is not valid JSON \(.*\): fix tsconfig\.json and run again\.\n$/);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    } finally {
      await cleanup(p);
    }
  });

  test("E102 an override that forces TypeScript 7 on Athanor too: loads with the native compiler, stops with E102 without it", async () => {
    const p = project("e102");
    try {
      // As npm lays out `"overrides": { "typescript": "^7" }`: one typescript,
      // 7, at the root, and Athanor installed beside it without a copy of its own.
      const modules = join(p.dir, "node_modules");
      mkdirSync(modules);
      for (const name of readdirSync(repoModules)) {
        if (!name.startsWith(".") && name !== "typescript" && name !== "@typescript")
          symlinkSync(join(repoModules, name), join(modules, name));
      }
      cpSync(join(typescript7, "node_modules"), modules, { recursive: true });
      const athanor = join(modules, "athanor");
      mkdirSync(athanor);
      for (const entry of ["bin", "dist", "package.json"]) cpSync(join(repoRoot, entry), join(athanor, entry), { recursive: true });
      write(p.dir, {
        "package.json": JSON.stringify({ name: "app", private: true, overrides: { typescript: "^7.0.0" } }),
        "tsconfig.json": JSON.stringify({ compilerOptions: { target: "ES2022", ...DECORATORS } }),
        "ormconfig.ts": DATA_SOURCE(`"entities/*.ts"`, `"migrations/*.ts"`),
        "entities/User.ts": USER,
      });
      // TypeScript 7's native compiler (Athanor's optional dependency, here
      // the override's own platform package) transpiles a cold cache without
      // TypeScript 5.x: the project loads despite the override.
      const native = await runCli(p.dir, ["generate", "Init"], cliEnv(), join(athanor, "bin", "athanor"));
      assert.equal(native.code, 0, native.stdout + native.stderr);
      assert.match(native.stdout, /create table user/);
      // Without it, TypeScript 5.x is needed, and the override took it away.
      rmSync(join(modules, ".cache"), { recursive: true, force: true });
      rmSync(join(p.dir, "migrations"), { recursive: true, force: true });
      const result = await runCli(p.dir, ["generate", "Init"], cliEnv({ ATHANOR_NATIVE_TRANSPILE: "0" }), join(athanor, "bin", "athanor"));
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        /^error: Athanor needs TypeScript 5\.x to load TypeScript files, but the typescript package it gets \(node_modules\/typescript\/lib\/version\.cjs\) is version 7\.[\d.]+, which has no compiler API: remove the override or resolution that forces this version on Athanor, and install again\.\n$/,
      );
    } finally {
      await cleanup(p);
    }
  });
});
