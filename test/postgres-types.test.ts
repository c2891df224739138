/**
 * PostgreSQL declarations that Athanor cannot render as written, and the
 * extensions some column types need (issues #21, #23). Real PostgreSQL, the
 * real CLI: a declaration the database would refuse stops `generate` with a
 * sentence naming the entity and the property, before any migration is
 * written, never a failure at `run`.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { TestProject } from "./support/project";
import { assertUserError } from "./support/bad-input";

const entity = (body: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "players" })
export class Player {
  @PrimaryGeneratedColumn() id: number;
${body}
}
`;

async function generateFails(source: string, code: number, message: RegExp): Promise<void> {
  const project = await TestProject.create("postgres", { "Player.ts": source });
  try {
    assertUserError(await project.cli(["generate", "Init"]), code, message);
    assert.deepEqual(project.migrationFiles(), [], "no migration is written");
  } finally {
    await project.cleanup();
  }
}

describe("PostgreSQL declarations generate cannot render", () => {
  test("E140 an array default given as a JSON string: generate stops, exit 2, naming the column and the fix", async () => {
    await generateFails(
      entity(`  @Column({ type: "enum", enum: ["player", "admin"], array: true, default: '["player"]' }) roles: string[];`),
      2,
      /^error: Column Player\.roles is an array, and its default "\[\\"player\\"\]" is not a PostgreSQL array literal, which the database would refuse when the migration runs: write it as an array \(default: \["player"\]\) or as array literal text \(default: "\{player\}"\)\.$/m,
    );
  });

  test("E141 an enum column naming a type (enumName) that no column gives values: generate stops, exit 2", async () => {
    await generateFails(
      entity(`  @Column({ type: "enum", enumName: "player_level" }) level: string;`),
      2,
      /^error: Column Player\.level uses the enum type "player_level" by name, and no column declares its values: give one column with enumName "player_level" its values \(enum: \[\.\.\.\] or a TypeScript enum\)\.$/m,
    );
  });
});
