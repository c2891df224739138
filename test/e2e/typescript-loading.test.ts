/**
 * How the CLI loads the project's TypeScript: transpiled without
 * type-checking (Athanor's own TypeScript), decorator metadata intact so
 * TypeORM infers column types, and cached on disk by content so an unchanged
 * file is transpiled only once. (Entities with circular relations are
 * covered by the example app in e2e-workflow.test.ts.)
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIALECTS, TestProject } from "../support/project";

// Column types left to TypeORM's inference from `design:type` metadata.
const EVENT = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "events" })
export class Event {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  title: string;

  @Column()
  attendees: number;

  @Column()
  public: boolean;

  @Column()
  startsAt: Date;
}
`;

const NOTE = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "notes" })
export class Note {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "text" })
  body: string;
}
`;

const cacheEntries = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".js"))
        .sort()
    : [];

for (const dialect of DIALECTS) {
  describe(`${dialect}: loading the project's TypeScript`, () => {
    let project: TestProject;
    let cacheDir: string;
    before(async () => {
      project = await TestProject.create(dialect, { "Event.ts": EVENT, "Note.ts": NOTE });
      cacheDir = join(project.dir, "node_modules", ".cache", "athanor", "ts");
    });
    after(async () => project.cleanup());

    test("column types inferred from decorator metadata are kept", async () => {
      await project.ok(["generate", "Init"]);
      const [file] = project.migrationFiles();
      const source = project.readMigration(file);
      // Portable types: the same whatever the database.
      const expected = { title: "varchar", attendees: "integer", public: "boolean", startsAt: "timestamp" };
      for (const [column, type] of Object.entries(expected)) {
        assert.match(source, new RegExp(`name: "${column}", type: "${type}"`), `${column} should be ${type}`);
      }
      await project.ok(["run"]);
      const again = await project.ok(["generate"]);
      assert.match(again.stdout, /No changes/);
    });

    test("an unchanged file is transpiled once; an edited one again", async () => {
      const before = cacheEntries(cacheDir);
      // ormconfig.ts, two entities, one migration
      assert.equal(before.length, 4, `cache entries: ${before.join(", ")}`);
      await project.ok(["status"]);
      assert.deepEqual(cacheEntries(cacheDir), before);

      project.writeEntity("Note.ts", NOTE.replace('"text"', '"varchar"'));
      await project.ok(["generate", "--dry-run"]);
      const after = cacheEntries(cacheDir);
      assert.equal(after.length, before.length + 1);
      project.writeEntity("Note.ts", NOTE);
    });

    test("ATHANOR_CACHE_DIR puts the cache elsewhere", async () => {
      const elsewhere = mkdtempSync(join(tmpdir(), "athanor-cache-"));
      try {
        const result = await project.cli(["status"], { env: { ATHANOR_CACHE_DIR: elsewhere } });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(cacheEntries(elsewhere).length, 4);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });

    test("a type error does not stop the CLI: types are not checked", async () => {
      project.writeEntity("Loose.ts", `export const answer: number = "forty-two" as unknown as string;\n`);
      try {
        await project.ok(["status"]);
      } finally {
        project.removeEntity("Loose.ts");
      }
    });
  });
}
