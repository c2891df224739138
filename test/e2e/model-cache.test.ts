/**
 * The entity model cache (src/model-cache/model-cache.ts): a `generate` or
 * `check` after which nothing changed loads no entity file and builds no
 * TypeORM metadata, and anything the entities were built from that changes
 * is seen — the entity files, a file a glob newly matches, a module or a JSON
 * file an entity reads, a project file a package reads for it, an
 * environment variable it reads; also when Athanor is installed in
 * node_modules, where another copy or build of Athanor does not use an entry.
 * A damaged entry is ignored, no environment value is written to disk, and
 * ATHANOR_MODEL_CACHE=0 turns the cache off. A project Node loads as native ES modules is never
 * cached (what those modules import cannot be recorded).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliEnv, createEmptyProject, DIALECTS, repoRoot, runCli, TestProject } from "../support/project";

// Entities by glob, as TypeORM's docs write them.
const ORMCONFIG = `import "reflect-metadata";
import { DataSource } from "typeorm";
const secret = process.env.MODEL_CACHE_SECRET;
const url = process.env.DATABASE_URL;
const common = { entities: ["entities/*.ts"], migrations: ["migrations/*.ts"], applicationName: secret };
export default url
  ? new DataSource({ type: "postgres", url, ...common })
  : new DataSource({ type: "sqlite", database: "data/app.sqlite", ...common });
`;

// An entity whose columns depend on a shared module, a JSON file read with
// fs and an environment variable.
const BOOK = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TITLE_LENGTH } from "../shared/lengths";

const formats: string[] = JSON.parse(readFileSync(join(__dirname, "..", "shared", "formats.json"), "utf8"));

@Entity({ name: "books" })
export class Book {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: TITLE_LENGTH })
  title: string;

  @Column({ type: "varchar", length: Number(process.env.BOOK_NOTE_LENGTH ?? 40), nullable: true })
  note: string | null;

  @Column({ type: "simple-enum", enum: formats, default: formats[0] })
  format: string;
}
`;

const SHELF = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "shelves" })
export class Shelf {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 20 })
  label: string;
}
`;

// Its length comes from a settings package, which reads settings.json from
// the project (as node-config reads config/*.json).
const LAMP = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
const settings: { lampLength: number } = require("entity-settings");

@Entity({ name: "lamps" })
export class Lamp {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: settings.lampLength })
  name: string;
}
`;

const SETTINGS_PACKAGE = `const { readFileSync } = require("node:fs");
const { join } = require("node:path");
module.exports = JSON.parse(readFileSync(join(process.cwd(), "settings.json"), "utf8"));
`;

const CACHE_HIT = /entity model \(cache: nothing changed\)/;
const BUILT = /build TypeORM entity metadata/;

for (const dialect of DIALECTS) {
  describe(`${dialect}: entity model cache`, () => {
    let project: TestProject;
    const cacheDir = () => join(project.dir, "node_modules", ".cache", "athanor", "ts");
    const entries = () => readdirSync(cacheDir()).filter((f) => /^model-.*\.json$/.test(f));
    const log = () => join(project.dir, "loaded.log");

    /** `generate --check` with the phases printed: exit 0 when nothing changed, 1 when something did. */
    async function generateCheck(env: NodeJS.ProcessEnv = {}, bin?: string) {
      const result = await project.cli(["generate", "--check"], { env: { ATHANOR_PROFILE: "1", ...env }, bin });
      assert.ok(result.code === 0 || result.code === 1, `generate --check: ${result.stdout}${result.stderr}`);
      return { changed: result.code === 1, hit: CACHE_HIT.test(result.stderr), built: BUILT.test(result.stderr), output: result.stdout };
    }

    /** Record, generate and apply whatever changed, so the next comparison starts in sync. */
    async function catchUp(name: string) {
      await project.ok(["generate", name]);
      await project.ok(["run"]);
    }

    before(async () => {
      project = await TestProject.create(dialect);
      writeFileSync(join(project.dir, "ormconfig.ts"), ORMCONFIG);
      mkdirSync(join(project.dir, "shared"));
      writeFileSync(join(project.dir, "shared", "lengths.ts"), "export const TITLE_LENGTH = 100;\n");
      writeFileSync(join(project.dir, "shared", "formats.json"), JSON.stringify(["paper", "ebook"]));
      project.writeEntity("Book.ts", BOOK);
      await catchUp("Init");
    });
    after(async () => project.cleanup());

    test("a generate after which nothing changed loads no entity file and builds no metadata", async () => {
      const first = await generateCheck();
      assert.equal(first.changed, false, first.output);
      assert.ok(first.hit, "the model was not taken from the cache");
      assert.equal(first.built, false);
      assert.equal(entries().length, 1);

      rmSync(log(), { force: true });
      const result = await project.cli(["generate", "--check"], {
        env: {
          NODE_OPTIONS: `--require ${join(repoRoot, "test", "support", "loaded-files.cjs")}`,
          ATHANOR_TEST_LOADED_UNDER: project.dir,
          ATHANOR_TEST_LOADED_LOG: log(),
        },
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const loaded = readFileSync(log(), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((f) => f.slice(project.dir.length + 1));
      assert.deepEqual(loaded.sort(), ["ormconfig.ts"]);

      // check answers from the same entry.
      const check = await project.cli(["check"], { env: { ATHANOR_PROFILE: "1" } });
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stderr, CACHE_HIT);
    });

    test("an edited entity file is seen", async () => {
      project.writeEntity(
        "Book.ts",
        BOOK.replace("  format: string;\n", '  format: string;\n\n  @Column({ type: "integer", default: 0 })\n  pages: number;\n'),
      );
      const edited = await generateCheck();
      assert.ok(edited.changed && !edited.hit && edited.built, "the new column was not seen");
      assert.match(edited.output, /pages/);
      await catchUp("AddPages");
      assert.ok((await generateCheck()).hit);
    });

    test("a new file matching the entities glob is seen", async () => {
      project.writeEntity("Shelf.ts", SHELF);
      const added = await generateCheck();
      assert.ok(added.changed && !added.hit, "the new entity was not seen");
      assert.match(added.output, /shelves/);
      await catchUp("AddShelves");
    });

    test("a module an entity imports, and a file it reads, are inputs", async () => {
      writeFileSync(join(project.dir, "shared", "lengths.ts"), "export const TITLE_LENGTH = 200;\n");
      const imported = await generateCheck();
      assert.ok(imported.changed && !imported.hit, "the imported length was not seen");
      assert.match(imported.output, /title/);
      await catchUp("LongerTitles");

      writeFileSync(join(project.dir, "shared", "formats.json"), JSON.stringify(["paper", "ebook", "audio"]));
      const read = await generateCheck();
      assert.ok(read.changed && !read.hit, "the file read with fs was not seen");
      assert.match(read.output, /format/);
      await catchUp("AudioFormat");
      assert.ok((await generateCheck()).hit);
    });

    test("an environment variable an entity reads is an input; its value never reaches the disk", async () => {
      assert.ok((await generateCheck()).hit);
      const longer = await generateCheck({ BOOK_NOTE_LENGTH: "80" });
      assert.ok(longer.changed && !longer.hit, "the variable's new value was not seen");
      assert.match(longer.output, /note/);
      // Back to the value the database has: nothing to do, and the cache
      // answers again once it has seen that environment.
      assert.equal((await generateCheck()).changed, false);
      assert.ok((await generateCheck()).hit);

      // The DataSource file reads a variable too (its connection settings
      // come from the environment): a new value is not trusted either.
      const secret = "s3cr3t-value-for-the-cache-test";
      const withSecret = await generateCheck({ MODEL_CACHE_SECRET: secret });
      assert.ok(!withSecret.changed && !withSecret.hit && withSecret.built);
      assert.ok((await generateCheck({ MODEL_CACHE_SECRET: secret })).hit);
      for (const file of entries()) assert.doesNotMatch(readFileSync(join(cacheDir(), file), "utf8"), /s3cr3t/);
    });

    test("a project file a package reads is an input (a settings package)", async () => {
      const settingsPackage = join(project.dir, "node_modules", "entity-settings");
      mkdirSync(settingsPackage);
      writeFileSync(join(settingsPackage, "package.json"), JSON.stringify({ name: "entity-settings", main: "index.js" }));
      writeFileSync(join(settingsPackage, "index.js"), SETTINGS_PACKAGE);
      writeFileSync(join(project.dir, "settings.json"), JSON.stringify({ lampLength: 30 }));
      project.writeEntity("Lamp.ts", LAMP);
      await catchUp("AddLamps");
      assert.ok((await generateCheck()).hit);
      writeFileSync(join(project.dir, "settings.json"), JSON.stringify({ lampLength: 60 }));
      const changed = await generateCheck();
      assert.ok(changed.changed && !changed.hit, "the settings file the package read was not seen");
      assert.match(changed.output, /lamps/);
      await catchUp("LongerLampNames");
    });

    test("installed in node_modules, as users have it, an edited entity is still seen", async () => {
      // A copy, not a link: Node would follow a link back to this checkout.
      const installed = join(project.dir, "node_modules", "athanor-installed");
      mkdirSync(installed);
      for (const part of ["bin", "dist", "package.json"]) cpSync(join(repoRoot, part), join(installed, part), { recursive: true });
      const bin = join(installed, "bin", "athanor");
      const before = readFileSync(join(project.dir, "entities", "Shelf.ts"), "utf8");
      try {
        // The checkout's CLI made the entry there is: another copy does not use it.
        const first = await generateCheck({}, bin);
        assert.ok(!first.changed && !first.hit && first.built, "the installed CLI used the entry this checkout's CLI made");
        assert.ok((await generateCheck({}, bin)).hit, "the installed CLI did not answer from the cache");
        // Another build of Athanor (an upgrade) does not use an entry an older
        // one made, whichever of its loading or metadata modules changed.
        appendFileSync(join(installed, "dist", "model-cache", "native-sha1.js"), "\n// another build\n");
        const upgraded = await generateCheck({}, bin);
        assert.ok(!upgraded.changed && !upgraded.hit && upgraded.built, "an entry made by another build of Athanor was used");
        assert.ok((await generateCheck({}, bin)).hit, "the new build's entry was not written");
        project.writeEntity("Shelf.ts", before.replace("length: 20", "length: 30"));
        const edited = await generateCheck({}, bin);
        assert.ok(edited.changed && !edited.hit, "the installed CLI did not see the edited entity");
        assert.match(edited.output, /label/);
      } finally {
        project.writeEntity("Shelf.ts", before);
        rmSync(installed, { recursive: true, force: true });
      }
    });

    test("a damaged entry is ignored and rewritten", async () => {
      const [entry] = entries();
      for (const damage of ["{ not json", JSON.stringify({ format: 1, digest: "x" }), ""]) {
        writeFileSync(join(cacheDir(), entry), damage);
        const result = await generateCheck();
        assert.ok(!result.changed && !result.hit && result.built, result.output);
        assert.ok((await generateCheck()).hit, "the entry was not rewritten");
      }
    });

    test("ATHANOR_MODEL_CACHE=0 builds the metadata every time", async () => {
      for (let i = 0; i < 2; i++) {
        const off = await generateCheck({ ATHANOR_MODEL_CACHE: "0" });
        assert.ok(!off.changed && !off.hit && off.built, off.output);
      }
    });
  });
}

describe("sqlite: entity model cache, JavaScript ES modules", () => {
  const ENTITY = (length: number) => `import { EntitySchema } from "typeorm";

export const Note = new EntitySchema({
  name: "Note",
  tableName: "notes",
  columns: {
    id: { type: Number, primary: true, generated: true },
    body: { type: String, length: ${length} },
  },
});
`;
  let dir: string;
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a project Node loads as ES modules is never answered from the cache: an edit is seen", async () => {
    dir = createEmptyProject("model-cache-esm");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "esm-notes", type: "module" }));
    const run = async (args: string[]) => runCli(dir, args, { ...cliEnv(), ATHANOR_PROFILE: "1" });
    assert.equal((await run(["init", "--js"])).code, 0);
    mkdirSync(join(dir, "entities"), { recursive: true });
    writeFileSync(join(dir, "entities", "note.js"), ENTITY(100));
    for (const args of [["generate", "Init"], ["run"]]) {
      const result = await run(args);
      assert.equal(result.code, 0, result.stdout + result.stderr);
    }
    const same = await run(["generate", "--check"]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.doesNotMatch(same.stderr, CACHE_HIT);
    writeFileSync(join(dir, "entities", "note.js"), ENTITY(150));
    const edited = await run(["generate", "--check"]);
    assert.equal(edited.code, 1, edited.stdout + edited.stderr);
    assert.match(edited.stdout, /body/);
  });
});
