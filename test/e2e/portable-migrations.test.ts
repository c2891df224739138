/**
 * The same migrations on SQLite, PostgreSQL and MariaDB, in every direction:
 * the example app's entities (plus one entity with the shapes whose details
 * TypeORM's drivers make differently: date columns, @Unique, a one-to-one's
 * unique join column, a user's own unique index) generate a migration on
 * each database; that migration then runs on each of the three, after which
 * generate there finds nothing. A column TypeORM's MySQL driver gives
 * datetime(6) and ON UPDATE, or a unique constraint it builds as an index,
 * must come out as TypeORM would make it on each database.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cliEnv, createExampleApp, runCli, type CliResult } from "../support/project";
import { createTestDatabase } from "../support/postgres";
import { createMysqlTestDatabase } from "../support/mysql";

const PROFILE = `import { Column, CreateDateColumn, DeleteDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";
import { User } from "./User";

@Entity({ name: "profiles" })
@Unique(["displayName", "country"])
export class Profile {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: "display_name", type: "varchar", length: 80 })
  displayName: string;

  @Column({ type: "varchar", length: 2 })
  country: string;

  @Index({ unique: true })
  @Column({ type: "varchar", length: 40 })
  handle: string;

  @OneToOne(() => User)
  @JoinColumn({ name: "user_id" })
  user: User;

  @CreateDateColumn({ name: "created_at" })
  createdAt: Date;

  @UpdateDateColumn({ name: "updated_at", precision: 3 })
  updatedAt: Date;

  @DeleteDateColumn({ name: "deleted_at" })
  deletedAt: Date | null;
}
`;

type Target = { name: string; url: string | undefined; drop(): Promise<void> };

/** A fresh, empty database of each kind (SQLite: the example's data/app.sqlite, removed). */
async function freshDatabase(kind: string, dir: string): Promise<Target> {
  if (kind === "sqlite") {
    rmSync(join(dir, "data"), { recursive: true, force: true });
    return { name: kind, url: undefined, drop: async () => rmSync(join(dir, "data"), { recursive: true, force: true }) };
  }
  const db = kind === "postgres" ? await createTestDatabase("athanor_portable") : await createMysqlTestDatabase("athanor_portable");
  return { name: kind, url: kind === "mariadb" ? db.url.replace(/^mysql:/, "mariadb:") : db.url, drop: () => db.drop() };
}

function project(): string {
  return createExampleApp("portable", { withMigrations: false, extraEntities: { "Profile.ts": PROFILE } });
}

function ok(result: CliResult, what: string): CliResult {
  assert.equal(result.code, 0, `${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

const KINDS = ["sqlite", "postgres", "mariadb"];
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

for (const source of KINDS) {
  describe(`a migration generated on ${source}`, () => {
    test(`runs on ${KINDS.join(", ")}, and generate there finds nothing`, async () => {
      const dir = project();
      dirs.push(dir);
      const origin = await freshDatabase(source, dir);
      try {
        ok(await runCli(dir, ["generate", "Initial", "--no-interactive"], cliEnv({ DATABASE_URL: origin.url })), `generate on ${source}`);
      } finally {
        await origin.drop();
      }
      assert.equal(readdirSync(join(dir, "migrations")).filter((f) => f.endsWith(".ts")).length, 1);
      for (const kind of KINDS) {
        const target = await freshDatabase(kind, dir);
        try {
          const env = cliEnv({ DATABASE_URL: target.url });
          ok(await runCli(dir, ["run"], env), `run on ${kind} of the migration generated on ${source}`);
          const check = await runCli(dir, ["generate", "--check"], env);
          assert.equal(
            check.code,
            0,
            `generate --check on ${kind} after the migration generated on ${source}:\n${check.stdout}\n${check.stderr}`,
          );
          assert.match(check.stdout, /No changes/);
        } finally {
          await target.drop();
        }
      }
    });
  });
}
