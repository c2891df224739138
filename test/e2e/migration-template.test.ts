/**
 * A project's own migration template: migrations/athanor.template (or
 * --template) is used by `generate` and `create`; the files it writes run;
 * a template that lacks a required placeholder, or names an unknown one, is
 * refused (exit 2) before anything is written; without a template the output
 * is Athanor's own layout, and a template spelling that layout out writes the
 * very same bytes.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";
import { blankMigrationParts, renderBlankMigrationFile } from "../../src/codegen/blank-migration";
import { fillTemplate } from "../../src/codegen/template";

const ITEM = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn()
  id: number;
  @Column({ type: "varchar", length: 20 })
  title: string;
}
`;

const HOUSE = `// Copyright ACME Corp. Reviewed migrations only.
/* eslint-disable max-lines */
{{header}}

{{imports}}
import { strict as assert } from "node:assert";

// {{name}} at {{date}} ({{timestamp}})
export class {{className}} implements MigrationInterface {
{{properties}}
  owner = "platform-team";

  public async up(queryRunner: QueryRunner): Promise<void> {
    assert.ok(queryRunner);
{{up}}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
{{down}}
  }
}
`;

/** Athanor's own TypeScript layout, spelled out as a template. */
const DEFAULT_LAYOUT = `{{header}}

{{imports}}

export class {{className}} implements MigrationInterface {
{{properties}}

  public async up(queryRunner: QueryRunner): Promise<void> {
{{up}}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
{{down}}
  }
}
`;

describe("a project's migration template", () => {
  test("generate and create write with migrations/athanor.template; the files run and revert", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      writeFileSync(join(project.dir, "migrations", "athanor.template"), HOUSE);
      const generated = await project.ok(["generate", "CreateItems"]);
      const [file] = project.migrationFiles();
      assert.match(generated.stdout, new RegExp(file));
      const text = project.readMigration(file);
      const stamp = file.slice(0, 13);
      assert.ok(
        text.startsWith("// Copyright ACME Corp. Reviewed migrations only.\n/* eslint-disable max-lines */\n/**\n * CreateItems\n"),
        text,
      );
      assert.match(text, /^import \{ op \} from "athanor";\nimport \{ strict as assert \} from "node:assert";$/m);
      assert.match(
        text,
        new RegExp(`^// CreateItems at ${new Date(Number(stamp)).toISOString().replace(/\./g, "\\.")} \\(${stamp}\\)$`, "m"),
      );
      assert.match(
        text,
        new RegExp(
          `^export class CreateItems${stamp} implements MigrationInterface \\{\\n  name = "CreateItems${stamp}";\\n  owner = "platform-team";$`,
          "m",
        ),
      );
      assert.match(text, /assert\.ok\(queryRunner\);\n    await op\(queryRunner\)\.createTable\(/);
      assert.match(text, /public async down\(queryRunner: QueryRunner\): Promise<void> \{\n    await op\(queryRunner\)\.dropTable\(/);
      // The template is not a migration, and athanor.sum does not record it.
      assert.doesNotMatch(readFileSync(join(project.dir, "migrations", "athanor.sum"), "utf8"), /athanor\.template/);

      await project.ok(["run"]);
      await project.query(`INSERT INTO "items" ("title") VALUES ('a')`);
      assert.equal((await project.ok(["generate", "--check"])).code, 0);

      const created = await project.ok(["create", "SeedItems"]);
      const seed = project.migrationFiles()[1];
      assert.match(created.stdout, new RegExp(seed));
      const seedText = project.readMigration(seed);
      assert.match(seedText, /^\/\/ Copyright ACME Corp\./);
      assert.match(seedText, /Up: written by hand \(a blank migration from `athanor create`\)\./);
      assert.match(seedText, /owner = "platform-team";/);
      await project.ok(["run"]);
      await project.ok(["revert", "--step", "2"]);
      assert.deepEqual(await project.query(`SELECT name FROM sqlite_master WHERE name = 'items'`), []);
      await project.ok(["run"]);
    } finally {
      await project.cleanup();
    }
  });

  test("--template names another file; a missing one is a usage error (E224)", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeFileSync(join(project.dir, "house.template"), HOUSE);
      await project.ok(["create", "Seed", "--template", "house.template"]);
      assert.match(project.readMigration(project.migrationFiles()[0]), /^\/\/ Copyright ACME Corp\./);
      const missing = await project.cli(["create", "Other", "--template", "nope.template"]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^error: The migration template nope\.template does not exist: check the --template path\.$/m);
      assert.equal(project.migrationFiles().length, 1);
    } finally {
      await project.cleanup();
    }
  });

  test("E222 a template without {{up}}: generate and create refuse, naming it, and write nothing", async () => {
    const project = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      writeFileSync(join(project.dir, "migrations", "athanor.template"), HOUSE.replace("{{up}}\n", ""));
      for (const args of [
        ["generate", "CreateItems"],
        ["create", "Seed"],
      ]) {
        const refused = await project.cli(args);
        assert.equal(refused.code, 2, refused.stderr);
        assert.match(
          refused.stderr,
          /^error: The migration template migrations\/athanor\.template lacks the placeholder \{\{up\}\}, without which the migration would not run: add it \(README, "Your own migration template", lists the placeholders\)\.$/m,
        );
      }
      assert.deepEqual(project.migrationFiles(), []);
    } finally {
      await project.cleanup();
    }
  });

  test("E223 a template with an unknown placeholder (a typo) is refused, naming it", async () => {
    const project = await TestProject.create("sqlite");
    try {
      writeFileSync(join(project.dir, "migrations", "athanor.template"), HOUSE.replace("{{date}}", "{{dat}}"));
      const refused = await project.cli(["create", "Seed"]);
      assert.equal(refused.code, 2);
      assert.match(
        refused.stderr,
        /^error: The migration template migrations\/athanor\.template has the unknown placeholder \{\{dat\}\}: use className, imports, properties, up, down, header, name, timestamp or date\.$/m,
      );
      assert.deepEqual(project.migrationFiles(), []);
    } finally {
      await project.cleanup();
    }
  });

  test("without a template the files are Athanor's layout; that layout as a template gives the same bytes", async () => {
    const plain = await TestProject.create("sqlite", { "Item.ts": ITEM });
    const templated = await TestProject.create("sqlite", { "Item.ts": ITEM });
    try {
      writeFileSync(join(templated.dir, "migrations", "athanor.template"), DEFAULT_LAYOUT);
      for (const project of [plain, templated]) {
        await project.ok(["generate", "CreateItems"]);
        await project.ok(["create", "Seed"]);
      }
      // Only the timestamps (and the dates derived from them) differ between the two runs.
      const normalize = (text: string) => text.replace(/\d{13}/g, "<ts>").replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<date>");
      for (let i = 0; i < 2; i++) {
        assert.equal(
          normalize(templated.readMigration(templated.migrationFiles()[i])),
          normalize(plain.readMigration(plain.migrationFiles()[i])),
        );
      }
      // And the same in-process, to the byte, for one fixed input.
      const input = { className: "Seed1700000000000", name: "Seed", timestamp: 1700000000000 };
      assert.equal(fillTemplate(DEFAULT_LAYOUT, blankMigrationParts(input)), renderBlankMigrationFile(input));
    } finally {
      await plain.cleanup();
      await templated.cleanup();
    }
  });
});
