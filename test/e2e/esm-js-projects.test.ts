/**
 * Projects that are not CommonJS TypeScript: ES module TypeScript ("type":
 * "module" with .ts, and .mts files) and plain JavaScript (CommonJS and ES
 * modules, entities as TypeORM EntitySchema objects). Each is a temporary
 * project on SQLite going through generate → run → revert with the real CLI.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { cliEnv, createEmptyProject, runCli, type CliResult } from "../support/project";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = createEmptyProject("modules");
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function ok(dir: string, args: string[]): Promise<CliResult> {
  const result = await runCli(dir, args, cliEnv());
  if (result.code !== 0) throw new Error(`athanor ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

function migrationFiles(dir: string): string[] {
  return readdirSync(join(dir, "migrations"))
    .filter((f) => f !== "athanor.sum")
    .sort();
}

async function tables(dir: string): Promise<string[]> {
  const ds = new DataSource({ type: "sqlite", database: join(dir, "data", "app.sqlite") });
  await ds.initialize();
  try {
    const rows = await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
    return rows.map((r: { name: string }) => r.name);
  } finally {
    await ds.destroy();
  }
}

/** generate Init → run (→ generate finds nothing) → revert; returns the migration's text. */
async function roundTrip(dir: string, extension: string, expectedTables: string[], { regenerate = false } = {}): Promise<string> {
  const generated = await ok(dir, ["generate", "Init"]);
  assert.match(generated.stdout, new RegExp(`Wrote migrations/\\d{13}-Init\\.${extension}`));
  const [file] = migrationFiles(dir);
  assert.match(file, new RegExp(`^\\d{13}-Init\\.${extension}$`));
  await ok(dir, ["run"]);
  assert.deepEqual(await tables(dir), [...expectedTables, "migrations"].sort());
  if (regenerate) assert.match((await ok(dir, ["generate"])).stdout, /No changes/);
  await ok(dir, ["revert"]);
  assert.deepEqual(await tables(dir), ["migrations"]);
  return readFileSync(join(dir, "migrations", file), "utf8");
}

// ES module TypeScript: `.js` specifiers for .ts files, import.meta, a type-only import.
const ESM_USER = `import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import { Post } from "./post.js";

@Entity({ name: "users" })
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  name: string;

  @OneToMany(() => Post, (post) => post.author)
  posts: Post[];
}
`;

const ESM_POST = `import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { User } from "./user.js";

@Entity({ name: "posts" })
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 200 })
  title: string;

  @ManyToOne("User", "posts")
  author: User;
}
`;

const MTS_CONFIG = `import "reflect-metadata";
import { DataSource } from "typeorm";
import { Tag } from "./entities/tag.mjs";

export default new DataSource({
  type: "sqlite",
  database: new URL("./data/app.sqlite", import.meta.url).pathname,
  entities: [Tag],
  migrations: ["migrations/*.ts"],
});
`;

const MTS_TAG = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "tags" })
export class Tag {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ unique: true })
  label: string;
}
`;

const JS_CJS_USER = `const { EntitySchema } = require("typeorm");

module.exports = new EntitySchema({
  name: "User",
  tableName: "users",
  columns: {
    id: { type: Number, primary: true, generated: true },
    name: { type: String, length: 100 },
    email: { type: String, unique: true, nullable: true },
  },
});
`;

const JS_ESM_USER = `import { EntitySchema } from "typeorm";

export const User = new EntitySchema({
  name: "User",
  tableName: "users",
  columns: {
    id: { type: Number, primary: true, generated: true },
    name: { type: String, length: 100 },
  },
  indices: [{ name: "IDX_users_name", columns: ["name"] }],
});
`;

describe("ES module and JavaScript projects", () => {
  test('TypeScript with "type": "module": init writes ES module config; generate, run, revert work', async () => {
    const dir = project({ "package.json": JSON.stringify({ name: "esm-app", type: "module" }) });
    const init = await ok(dir, ["init"]);
    assert.match(init.stdout, /TypeScript, ES modules/);
    assert.match(readFileSync(join(dir, "ormconfig.ts"), "utf8"), /fileURLToPath\(import\.meta\.url\)/);
    assert.equal(JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")).compilerOptions.module, "NodeNext");
    writeFileSync(join(dir, "entities", "user.ts"), ESM_USER);
    writeFileSync(join(dir, "entities", "post.ts"), ESM_POST);

    const source = await roundTrip(dir, "ts", ["posts", "users"], { regenerate: true });
    // Valid ES module TypeScript, also under verbatimModuleSyntax.
    assert.match(source, /^import type \{ MigrationInterface, QueryRunner \} from "typeorm";\nimport \{ op \} from "athanor";$/m);
    assert.match(source, /^export class Init\d{13} implements MigrationInterface \{$/m);
  });

  test(".mts DataSource and entities: loaded, migrations written as ES module TypeScript", async () => {
    const dir = project({
      "package.json": JSON.stringify({ name: "mts-app" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", verbatimModuleSyntax: true },
      }),
      "ormconfig.mts": MTS_CONFIG,
      "entities/tag.mts": MTS_TAG,
      "migrations/.keep": "",
    });
    rmSync(join(dir, "migrations", ".keep"));
    const source = await roundTrip(dir, "ts", ["tags"]);
    assert.match(source, /^import type \{ MigrationInterface, QueryRunner \} from "typeorm";$/m);
  });

  test("JavaScript (CommonJS): init --js, EntitySchema entities, .js migrations with JSDoc types", async () => {
    const dir = project({});
    const init = await ok(dir, ["init", "--js"]);
    assert.match(init.stdout, /JavaScript, CommonJS/);
    assert.match(init.stdout, /created ormconfig\.js/);
    assert.ok(!init.stdout.includes("tsconfig.json"));
    writeFileSync(join(dir, "entities", "user.js"), JS_CJS_USER);

    const source = await roundTrip(dir, "js", ["users"]);
    assert.match(source, /^const \{ op \} = require\("athanor"\);$/m);
    assert.match(source, /^ \* @typedef \{import\("typeorm"\)\.QueryRunner\} QueryRunner$/m);
    assert.match(source, /^\/\*\* @implements \{MigrationInterface\} \*\/\nclass Init\d{13} \{$/m);
    assert.match(source, /^  \/\*\* @param \{QueryRunner\} queryRunner \*\/\n  async up\(queryRunner\) \{$/m);
    assert.match(source, /^module\.exports = \{ Init\d{13} \};$/m);
    assert.ok(!/: QueryRunner|implements MigrationInterface|Promise<void>/.test(source), "no TypeScript syntax");

    // create follows the project's language too.
    const created = await ok(dir, ["create", "SeedUsers"]);
    assert.match(created.stdout, /Wrote migrations\/\d{13}-SeedUsers\.js/);
  });

  test('JavaScript with "type": "module": ES module config, EntitySchema, export class migrations', async () => {
    const dir = project({ "package.json": JSON.stringify({ name: "esm-js-app", type: "module" }) });
    const init = await ok(dir, ["init", "--js"]);
    assert.match(init.stdout, /JavaScript, ES modules/);
    assert.match(readFileSync(join(dir, "ormconfig.js"), "utf8"), /^export default url$/m);
    writeFileSync(join(dir, "entities", "user.js"), JS_ESM_USER);

    const source = await roundTrip(dir, "js", ["users"]);
    assert.match(source, /^import \{ op \} from "athanor";$/m);
    assert.match(source, /^export class Init\d{13} \{$/m);
    assert.ok(!source.includes("module.exports") && !source.includes("require("));
  });
});
