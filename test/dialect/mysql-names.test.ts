/**
 * Index and constraint names on a real MariaDB: the server compares them
 * ignoring case (not accents), in the namespaces dialects/mysql/names.ts
 * lists; the dialect's foldName says the same, the diff pairs names that
 * way (a rename of case alone is no change; an entity index taking the name
 * of a live one in another case gets it dropped first), and two entity names
 * the server takes for one stop generate with a sentence naming both.
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Check, Column, DataSource, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { compareEntitiesWithDatabase } from "../../src/commands/entity-diff";
import { mariadbDialect } from "../../src/dialects/mysql";
import { foldForeignKeyName } from "../../src/dialects/mysql/names";
import { UsageError } from "../../src/errors";
import { createMysqlTestDatabase, type MysqlTestDatabase } from "../support/mysql";

async function withDatabase<T>(run: (db: MysqlTestDatabase, ds: DataSource) => Promise<T>, entities: Function[] = []): Promise<T> {
  const db = await createMysqlTestDatabase("athanor_names");
  const ds = new DataSource({ type: "mariadb", url: db.url, entities });
  await ds.initialize();
  try {
    return await run(db, ds);
  } finally {
    await ds.destroy();
    await db.drop();
  }
}

/** Whether the server takes a second item after the first (false: it refuses it as a duplicate name). */
async function takesBoth(ds: DataSource, first: string, second: string): Promise<boolean> {
  await ds.query("DROP TABLE IF EXISTS c2, c1, p");
  await ds.query("CREATE TABLE p (id INT PRIMARY KEY)");
  await ds.query("CREATE TABLE c1 (a INT, b INT, KEY (a), KEY (b))");
  await ds.query("CREATE TABLE c2 (a INT, KEY (a))");
  await ds.query(first);
  try {
    await ds.query(second);
    return true;
  } catch (error) {
    assert.match((error as Error).message, /Duplicate|errno: 121/);
    return false;
  }
}

test("MariaDB compares index, check and foreign key names ignoring case but not accents, as foldName does", async () => {
  await withDatabase(async (_db, ds) => {
    const fold = mariadbDialect.foldName!;
    const cases: Array<{
      what: string;
      first: (name: string) => string;
      second: (name: string) => string;
      fold?: (name: string) => string;
    }> = [
      { what: "two indexes of a table", first: (n) => `CREATE INDEX \`${n}\` ON c1 (a)`, second: (n) => `CREATE INDEX \`${n}\` ON c1 (b)` },
      {
        what: "a unique constraint beside an index",
        first: (n) => `CREATE INDEX \`${n}\` ON c1 (a)`,
        second: (n) => `ALTER TABLE c1 ADD CONSTRAINT \`${n}\` UNIQUE (b)`,
      },
      {
        what: "two checks of a table",
        first: (n) => `ALTER TABLE c1 ADD CONSTRAINT \`${n}\` CHECK (a > 0)`,
        second: (n) => `ALTER TABLE c1 ADD CONSTRAINT \`${n}\` CHECK (b > 0)`,
      },
      {
        what: "a check beside a foreign key",
        first: (n) => `ALTER TABLE c1 ADD CONSTRAINT \`${n}\` FOREIGN KEY (a) REFERENCES p (id)`,
        second: (n) => `ALTER TABLE c1 ADD CONSTRAINT \`${n}\` CHECK (b > 0)`,
      },
      // InnoDB compares foreign key names across the database, ASCII case only.
      {
        what: "foreign keys of two tables",
        first: (n) => `ALTER TABLE c1 ADD CONSTRAINT \`${n}\` FOREIGN KEY (a) REFERENCES p (id)`,
        second: (n) => `ALTER TABLE c2 ADD CONSTRAINT \`${n}\` FOREIGN KEY (a) REFERENCES p (id)`,
        fold: foldForeignKeyName,
      },
      {
        what: "two foreign keys of a table",
        first: (n) => `ALTER TABLE c1 ADD CONSTRAINT \`${n}\` FOREIGN KEY (a) REFERENCES p (id)`,
        second: (n) => `ALTER TABLE c1 ADD CONSTRAINT \`${n}\` FOREIGN KEY (b) REFERENCES p (id)`,
        fold: foldForeignKeyName,
      },
    ];
    const names: Array<[string, string]> = [
      ["ix_a", "IX_A"],
      ["IX6 Ñ", "IX6 ñ"],
      ["IX6 Ñ", "IX6 N"],
      ["ixé", "ixe"],
      ["Ωmega", "ωMEGA"],
      ["ck_Größe", "CK_GRÖSSE"],
    ];
    for (const { what, first, second, fold: caseFold = fold } of cases) {
      for (const [one, other] of names) {
        const oneName = caseFold(one) === caseFold(other);
        assert.equal(
          await takesBoth(ds, first(one), second(other)),
          !oneName,
          `${what}: "${one}" then "${other}" (the fold says ${oneName ? "one name" : "two names"})`,
        );
      }
    }
    // Names apart in different tables: indexes and checks are per table.
    assert.equal(await takesBoth(ds, "CREATE INDEX `ix_a` ON c1 (a)", "CREATE INDEX `IX_A` ON c2 (a)"), true);
  });
});

@Entity({ name: "tags" })
@Index("ix_b", ["label"])
@Index("IX_A", ["weight"])
class TagsTakingTheName {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) label: string;
  @Column({ type: "int" }) weight: number;
}

@Entity({ name: "tags" })
@Index("IX_A", ["label"])
class TagsRenamedInCase {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) label: string;
  @Column({ type: "int" }) weight: number;
}

async function pending(ds: DataSource) {
  const comparison = await compareEntitiesWithDatabase(mariadbDialect, ds as any, { dataSource: ds, migrationsTableName: "migrations" });
  return comparison.diff.operations;
}

const LIVE_TAGS =
  "CREATE TABLE tags (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(40) NOT NULL, weight INT NOT NULL, KEY ix_a (label))";

test("a live index ix_a and an entity index IX_A over the same columns are one: nothing to generate", async () => {
  await withDatabase(
    async (_db, ds) => {
      await ds.query(LIVE_TAGS);
      assert.deepEqual(await pending(ds), []);
    },
    [TagsRenamedInCase],
  );
});

test("an entity index IX_A on other columns than the live ix_a: the live one is dropped first, then both are created, and MariaDB takes it", async () => {
  await withDatabase(
    async (_db, ds) => {
      await ds.query(LIVE_TAGS);
      const ops = await pending(ds);
      assert.deepEqual(
        ops.map((op) =>
          op.kind === "createIndex" || op.kind === "dropIndex" ? `${op.kind} ${op.index.name}(${op.index.columns})` : op.kind,
        ),
        ["dropIndex ix_a(label)", "createIndex IX_A(weight)", "createIndex ix_b(label)"],
      );
      const schema = await mariadbDialect.introspect(ds as any);
      for (const op of ops) for (const sql of mariadbDialect.render(op, { schema }).statements) await ds.query(sql);
      assert.deepEqual(await pending(ds), []);
    },
    [TagsTakingTheName],
  );
});

@Entity({ name: "orders" })
@Index("ix_total", ["total"])
@Index("IX_TOTAL", ["placedAt"])
class OrdersWithClashingIndexes {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int" }) total: number;
  @Column({ type: "datetime" }) placedAt: Date;
}

@Entity({ name: "orders" })
@Check("ck_Größe", "total >= 0")
@Check("CK_GRÖSSE", "total < 1000")
@Check("ck_Ñame", "total <> 7")
@Check("CK_ñAME", "total <> 8")
class OrdersWithClashingChecks {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int" }) total: number;
}

@Entity({ name: "owners" })
class Owner {
  @PrimaryGeneratedColumn() id: number;
}

@Entity({ name: "cars" })
class Car {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Owner)
  @JoinColumn({ name: "owner_id", foreignKeyConstraintName: "fk_owner" })
  owner: Owner;
}

@Entity({ name: "boats" })
class Boat {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Owner)
  @JoinColumn({ name: "owner_id", foreignKeyConstraintName: "FK_Owner" })
  owner: Owner;
}

test("two entity names MariaDB takes for one stop generate with a sentence naming both; names apart only by accents or ß do not", async () => {
  await withDatabase(
    async (_db, ds) => {
      await assert.rejects(pending(ds), (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.equal(
          error.message,
          'Table orders declares index "IX_TOTAL" and index "ix_total": names that MySQL and MariaDB take for one (they compare index and constraint names ignoring case), ' +
            "and the server refuses a second one of that name in one table. " +
            "Give one of them another name in its decorator (@Index, @Unique, @Check, or the relation's foreignKeyConstraintName), then generate again.",
        );
        return true;
      });
    },
    [OrdersWithClashingIndexes],
  );
  await withDatabase(
    async (_db, ds) => {
      await assert.rejects(
        pending(ds),
        /Table orders declares check "(ck_Ñame|CK_ñAME)" and check "(ck_Ñame|CK_ñAME)": names that MySQL and MariaDB take for one/,
      );
    },
    [OrdersWithClashingChecks],
  );
  await withDatabase(
    async (_db, ds) => {
      await assert.rejects(
        pending(ds),
        /The entities declare foreign key "(fk_owner|FK_Owner)" on (cars|boats) and foreign key "(fk_owner|FK_Owner)" on (cars|boats): names that MySQL and MariaDB take for one \(they compare index and constraint names ignoring case\), and the server refuses a second one of that name across the database\./,
      );
    },
    [Owner, Car, Boat],
  );
});
