/**
 * Unique and check constraint changes on tables with rows, v1 → v2 in one
 * migration, on both dialects: a named unique dropped, a named one whose
 * columns change, an unnamed one (`unique: true`) dropped and another added;
 * a check whose expression changes under the same name, one added, one
 * dropped. The database then enforces exactly v2's constraints, revert
 * brings back v1's, and a unique constraint or unique index added over
 * rows that break it stops the migration with the count of repeated
 * values, changing nothing.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DIALECTS_AND_MARIADB, type TestProject } from "../support/project";
import { assertNoChanges, assertSameSchema, atVersion1, generateVersion2, rows } from "../support/changes";
import { assertNoChangesAtVersion1, assertRejected } from "../support/constraints";
import type { Schema } from "../../src/schema/model";

const ACCOUNT_V1 = `import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from "typeorm";

@Entity({ name: "accounts" })
@Unique("UQ_accounts_email", ["email"])
@Unique("UQ_accounts_org_handle", ["org", "handle"])
@Check("CHK_accounts_qty", "qty >= 0")
@Check("CHK_accounts_old", "org < 1000")
export class Account {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) email: string;
  @Column({ type: "integer" }) org: number;
  @Column({ type: "varchar", length: 20 }) handle: string;
  @Column({ type: "varchar", length: 20 }) nick: string;
  @Column({ type: "varchar", length: 10, unique: true }) code: string;
  @Column({ type: "integer" }) qty: number;
}
`;

const ACCOUNT_V2 = `import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from "typeorm";

@Entity({ name: "accounts" })
@Unique("UQ_accounts_org_handle", ["org", "nick"])
@Check("CHK_accounts_qty", "qty >= 1")
@Check("CHK_accounts_email", "email <> ''")
export class Account {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) email: string;
  @Column({ type: "integer" }) org: number;
  @Column({ type: "varchar", length: 20, unique: true }) handle: string;
  @Column({ type: "varchar", length: 20 }) nick: string;
  @Column({ type: "varchar", length: 10 }) code: string;
  @Column({ type: "integer" }) qty: number;
}
`;

// Rows every version accepts: distinct emails, handles, codes and (org, nick).
const SEED = [
  `INSERT INTO accounts (email, org, handle, nick, code, qty) VALUES ('a@x', 1, 'ann', 'annie', 'A1', 1), ('b@x', 1, 'bob', 'bobby', 'B1', 2), ('c@x', 2, 'cy', 'annie', 'C1', 3)`,
];
const ALL = `SELECT id, email, org, handle, nick, code, qty FROM accounts ORDER BY id`;
const insert = (values: string) => `INSERT INTO accounts (email, org, handle, nick, code, qty) VALUES (${values})`;

for (const dialect of DIALECTS_AND_MARIADB) {
  describe(`${dialect}: unique and check constraint changes`, () => {
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => ({ project, v1Schema } = await atVersion1(dialect, { v1: { "Account.ts": ACCOUNT_V1 }, seed: SEED })));
    after(async () => project.cleanup());

    /** What v1 enforces and v2 does not, and the other way round. */
    async function assertV1Enforced(label: string): Promise<void> {
      await assertRejected(project, insert(`'a@x', 5, 'new1', 'n1', 'Z1', 1`), `${label}: UQ_accounts_email`);
      await assertRejected(project, insert(`'z@x', 1, 'ann', 'n2', 'Z2', 1`), `${label}: UQ_accounts_org_handle (org, handle)`);
      await assertRejected(project, insert(`'y@x', 5, 'new3', 'n3', 'A1', 1`), `${label}: unnamed unique on code`);
      await assertRejected(project, insert(`'w@x', 5000, 'new4', 'n4', 'Z4', 1`), `${label}: CHK_accounts_old`);
      // qty = 0 is allowed by "qty >= 0", refused by v2's "qty >= 1".
      await project.query(insert(`'v@x', 5, 'new5', 'n5', 'Z5', 0`));
      await project.query(`DELETE FROM accounts WHERE email = 'v@x'`);
    }

    test("uniques dropped, re-columned, added; a check's expression changed; revert restores v1", async () => {
      const v1Rows = await rows(project, ALL);
      await assertV1Enforced("v1");
      const generated = await generateVersion2(project, { "Account.ts": ACCOUNT_V2 });

      // MySQL keeps a unique constraint as a unique index: the database's are dropped as indexes, the entities' added as uniques;
      // an unnamed one is named as TypeORM's MySQL driver names it (IDX_…), UQ_… elsewhere.
      const [dropUnique, addUnique, unnamed] =
        dialect === "mariadb" ? ["dropIndex", "addUnique", "IDX_\\w+"] : ["dropUnique", "addUnique", "UQ_\\w+"];
      const unique = (kind: string, name: string, columns = "") =>
        new RegExp(`${kind}\\(\\s*"accounts",\\s*\\{\\s*name: "${name}",${columns ? `\\s*columns: \\[${columns}\\]` : ""}`);
      assert.match(generated.up, unique(dropUnique, "UQ_accounts_email"));
      assert.match(generated.up, unique(dropUnique, "UQ_accounts_org_handle", `"org", "handle"`));
      assert.match(generated.up, unique(addUnique, "UQ_accounts_org_handle", `"org", "nick"`));
      assert.match(generated.up, unique(dropUnique, unnamed, `"code"`));
      assert.match(generated.up, unique(addUnique, unnamed, `"handle"`));
      assert.equal(generated.up.match(new RegExp(`${dropUnique}\\(`, "g"))?.length, 3, generated.up);
      assert.equal(generated.up.match(new RegExp(`${addUnique}\\(`, "g"))?.length, 2, generated.up);
      // Same name, new expression: the check is dropped and added again.
      assert.match(generated.up, /dropCheck\(\s*"accounts",\s*\{\s*name: "CHK_accounts_qty",\s*expression: "qty >= 0"/);
      assert.match(generated.up, /addCheck\(\s*"accounts",\s*\{\s*name: "CHK_accounts_qty",\s*expression: "qty >= 1"/);
      assert.match(generated.up, /dropCheck\(\s*"accounts",\s*\{\s*name: "CHK_accounts_old"/);
      assert.match(generated.up, /addCheck\(\s*"accounts",\s*\{\s*name: "CHK_accounts_email"/);
      assert.doesNotMatch(
        generated.up,
        dialect === "mariadb" ? /alterColumn|addColumn|dropColumn|ForeignKey/ : /alterColumn|addColumn|dropColumn|Index\(|ForeignKey/,
      );

      await project.ok(["run"]);
      assert.deepEqual(await rows(project, ALL), v1Rows);
      // v1's constraints are gone...
      await project.query(insert(`'a@x', 5, 'new1', 'n1', 'A1', 1`));
      await project.query(insert(`'z@x', 1, 'ann2', 'bobby2', 'Z2', 1`));
      await project.query(`DELETE FROM accounts WHERE email IN ('a@x', 'z@x') AND id > 3`);
      // ...and v2's hold.
      await assertRejected(project, insert(`'x1@x', 1, 'new6', 'bobby', 'Z6', 1`), "v2: UQ_accounts_org_handle (org, nick)");
      await assertRejected(project, insert(`'x2@x', 5, 'bob', 'n7', 'Z7', 1`), "v2: unnamed unique on handle");
      await assertRejected(project, insert(`'x3@x', 5, 'new8', 'n8', 'Z8', 0`), "v2: CHK_accounts_qty is qty >= 1");
      await assertRejected(project, insert(`'', 5, 'new9', 'n9', 'Z9', 1`), "v2: CHK_accounts_email");
      await project.query(insert(`'x4@x', 5000, 'new10', 'n10', 'Z10', 1`));
      await project.query(`DELETE FROM accounts WHERE email = 'x4@x'`);
      assert.deepEqual(await rows(project, ALL), v1Rows);
      await assertNoChanges(project);

      await project.ok(["revert"]);
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, ALL), v1Rows);
      await assertV1Enforced("after revert");
      await assertNoChangesAtVersion1(project, { "Account.ts": ACCOUNT_V1 });
    });
  });

  describe(`${dialect}: a unique over rows that break it`, () => {
    const PERSON = (unique: string) => `import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from "typeorm";

@Entity({ name: "people" })
${unique}
export class Person {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) email: string;
  @Column({ type: "integer" }) org: number;
}
`;
    const V1 = PERSON("");
    const V2 = PERSON(`@Unique("UQ_people_org_email", ["org", "email"])\n@Index("IDX_people_email", ["email"], { unique: true })`);
    const PEOPLE = `SELECT id, email, org FROM people ORDER BY id`;
    let project: TestProject;
    let v1Schema: Schema;
    before(async () => {
      ({ project, v1Schema } = await atVersion1(dialect, {
        v1: { "Person.ts": V1 },
        seed: [`INSERT INTO people (email, org) VALUES ('a@x', 1), ('a@x', 1), ('b@x', 1), ('b@x', 1), ('b@x', 1), ('a@x', 2)`],
      }));
    });
    after(async () => project.cleanup());

    test("a unique constraint and a unique index stop naming the table, the columns and how many values repeat; nothing changes", async () => {
      const v1Rows = await rows(project, PEOPLE);
      const generated = await generateVersion2(project, { "Person.ts": V2 });
      assert.match(generated.up, /addUnique\(\s*"people",\s*\{\s*name: "UQ_people_org_email",\s*columns: \["org", "email"\]/);
      assert.match(generated.up, /createIndex\(\s*"people",\s*\{\s*name: "IDX_people_email",\s*columns: \["email"\],\s*unique: true/);

      // (org, email): (1, a@x) and (1, b@x) repeat; email alone: a@x and b@x.
      const stopped = await project.cli(["run"]);
      assert.equal(stopped.code, 3, stopped.stdout + stopped.stderr);
      assert.match(
        stopped.stderr,
        /Cannot add unique (UQ_people_org_email on people \(org, email\)|IDX_people_email on people \(email\)): 2 value\(s\) appear in more than one row\. Change or remove the duplicates first/,
      );
      assertSameSchema(dialect, await project.introspect(), v1Schema);
      assert.deepEqual(await rows(project, PEOPLE), v1Rows);

      // Now only a@x repeats (org 1 and org 2): the unique index alone stops.
      // MySQL's || is OR: CONCAT there.
      const email = dialect === "mariadb" ? "CONCAT('other', id, '@x')" : "'other' || id || '@x'";
      await project.query(`UPDATE people SET email = ${email} WHERE id IN (2, 4, 5)`);
      const index = await project.cli(["run"]);
      assert.equal(index.code, 3, index.stdout + index.stderr);
      assert.match(index.stderr, /Cannot add unique IDX_people_email on people \(email\): 1 value\(s\) appear in more than one row/);
      if (dialect === "mariadb") {
        // Every DDL statement commits: the unique the rows now take stays, the migration is recorded as
        // partly applied, and the next run continues from the index's check.
        assert.match(index.stderr, /recorded as partially applied/);
      } else {
        assertSameSchema(dialect, await project.introspect(), v1Schema);
      }

      await project.query(`UPDATE people SET email = 'z@x' WHERE id = 6`);
      await project.ok(["run"]);
      await assertRejected(project, `INSERT INTO people (email, org) VALUES ('a@x', 1)`, "the unique holds");
      await assertNoChanges(project);
    });
  });
}
