/**
 * What the journal says remains applied of a migration's code, for the
 * cases MySQL/MariaDB brought: DDL that commits implicitly, a data check
 * written as a compound statement, a failed operation's cleanup, and a
 * partly applied migration resumed. And how the runner's own statements
 * are held back to go with the next one (observeStatements' `hold`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { counts, observeStatements, StatementJournal } from "../../src/runner/statement-journal";

const CHECK =
  "BEGIN NOT ATOMIC DECLARE n BIGINT; DECLARE m VARCHAR(2000); SELECT count(*) INTO n FROM `items` WHERE `update` IS NULL; " +
  "IF n > 0 THEN SET m = REPLACE('1 row(s) of items hold NULLs', '1', n); SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m; END IF; END";

test("a MariaDB data check is a read, not a BEGIN: the ALTERs after it stay listed", () => {
  const journal = new StatementJournal();
  journal.open(false, { ddlCommits: true });
  journal.completed(CHECK);
  journal.completed("ALTER TABLE `items` MODIFY COLUMN `name` varchar(10) NOT NULL");
  assert.deepEqual(journal.close(), ["ALTER TABLE `items` MODIFY COLUMN `name` varchar(10) NOT NULL"]);
  assert.equal(counts(CHECK), false);
  assert.equal(counts("BEGIN NOT ATOMIC INSERT INTO t VALUES (1); END"), true);
});

test("where DDL commits implicitly, a ROLLBACK after it does not take it back", () => {
  const mysql = new StatementJournal();
  mysql.open(false, { ddlCommits: true });
  for (const sql of ["START TRANSACTION", "ALTER TABLE t ADD COLUMN a int", "ROLLBACK"]) mysql.completed(sql);
  assert.deepEqual(mysql.close(), ["ALTER TABLE t ADD COLUMN a int"]);

  const postgres = new StatementJournal();
  postgres.open(false);
  for (const sql of ["BEGIN", "ALTER TABLE t ADD COLUMN a int", "ROLLBACK"]) postgres.completed(sql);
  assert.deepEqual(postgres.close(), []);
});

test("what runs after a failed statement (its cleanup) is not counted as applied", () => {
  const journal = new StatementJournal();
  journal.open(false);
  journal.completed('CREATE TABLE "a" ("id" int)');
  journal.failedAt();
  journal.completed('DROP INDEX CONCURRENTLY IF EXISTS "idx"');
  assert.deepEqual(journal.close(), ['CREATE TABLE "a" ("id" int)']);
});

test("resumed: the first N counted statements are passed over, reads and transaction control still run", () => {
  const journal = new StatementJournal();
  journal.open(false, { resume: 2 });
  assert.equal(journal.shouldPassOver("SELECT 1"), false);
  assert.equal(journal.shouldPassOver("CREATE TABLE a (id int)"), true);
  assert.equal(journal.shouldPassOver("BEGIN"), false);
  assert.equal(journal.shouldPassOver("INSERT INTO a VALUES (1)"), true);
  assert.equal(journal.shouldPassOver("INSERT INTO b VALUES (1)"), false, "the third is sent");
  journal.completed("INSERT INTO b VALUES (1)");
  assert.equal(journal.appliedCount, 3);
  assert.deepEqual(journal.close(), ["CREATE TABLE a (id int)", "INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (1)"]);
});

test("a WITH that ends in a SELECT and writes nowhere is a read (SQLite counted it as a writing statement); one that writes is not", () => {
  const recursive = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT COUNT(*) FROM c";
  assert.equal(counts(recursive), false);
  assert.equal(counts(`  with "t" as (select 'delete me' as "update") select * from "t" for update`), false);
  assert.equal(counts("WITH moved AS (DELETE FROM a RETURNING *) SELECT COUNT(*) FROM moved"), true);
  assert.equal(counts("WITH x AS (SELECT 1 AS id) INSERT INTO t (id) SELECT id FROM x"), true);
  assert.equal(counts("WITH x AS (SELECT 1 AS id) UPDATE t SET n = 1 WHERE id IN (SELECT id FROM x)"), true);
  assert.equal(counts("WITH x AS (SELECT 1 AS id) SELECT id INTO copy FROM x"), true);
  assert.equal(counts("WITH x AS (SELECT nextval('s') AS id) SELECT id FROM x"), true);
});

test("a SELECT whose strings or names say INTO, setval or nextval is still a read; one that selects INTO a table writes", () => {
  // MySQL's data check is one SELECT whose sentence names the rows; an enum value may read "moved into".
  assert.equal(counts("SELECT 'values moved into archive' FROM `items` WHERE `state` = 'into' LIMIT 1"), false);
  assert.equal(counts('SELECT "into", `nextval` FROM t'), false);
  assert.equal(counts("SELECT 'it''s into' AS x"), false);
  assert.equal(counts("SELECT a INTO b FROM t"), true);
  assert.equal(counts("SELECT setval('s', 5)"), true);
});

/** A query runner that answers each query with its text, and records what reached it. */
function fakeRunner(sent: string[]) {
  return {
    async query(sql: string) {
      sent.push(sql);
      return [{ sql }];
    },
  } as any;
}

test("hold: what it sends is answered with no rows and goes out in one call with the next statement, whose rows that query returns", async () => {
  const sent: string[] = [];
  const lists: string[][] = [];
  const seen: string[] = [];
  const runner = fakeRunner(sent);
  const observed = observeStatements(runner, {
    sending: (sql) => seen.push(`sending ${sql}`),
    completed: (sql) => seen.push(`completed ${sql}`),
    joined: async (statements) => {
      lists.push([...statements]);
      // The dialect's sendList may use the query runner itself: that goes as it is, unobserved.
      await runner.query(statements.join("; "));
      return statements.map((sql) => [{ rowOf: sql }]);
    },
  });
  await observed.hold!(async () => {
    assert.deepEqual(await runner.query("START TRANSACTION"), []);
    assert.deepEqual(await runner.query("SELECT claim()"), []);
  });
  assert.deepEqual(sent, [], "nothing is sent while held");
  assert.deepEqual(await runner.query(`SELECT * FROM "migrations"`), [{ rowOf: `SELECT * FROM "migrations"` }]);
  assert.deepEqual(lists, [["START TRANSACTION", "SELECT claim()", `SELECT * FROM "migrations"`]]);
  assert.deepEqual(sent, [`START TRANSACTION; SELECT claim(); SELECT * FROM "migrations"`]);
  assert.deepEqual(seen, [
    "sending START TRANSACTION",
    "sending SELECT claim()",
    `sending SELECT * FROM "migrations"`,
    "completed START TRANSACTION",
    "completed SELECT claim()",
    `completed SELECT * FROM "migrations"`,
  ]);
  // Nothing held: the next query is sent alone, as always.
  assert.deepEqual(await runner.query("CREATE TABLE t (id int)"), [{ sql: "CREATE TABLE t (id int)" }]);
  assert.equal(lists.length, 1);
  observed.stop();
});

test("hold: a statement with parameters is never joined (the held ones go first, alone); a failing list fails the query that carried it", async () => {
  const sent: string[] = [];
  const failed: string[] = [];
  const runner = fakeRunner(sent);
  const observed = observeStatements(runner, {
    completed: () => undefined,
    failed: (sql) => failed.push(sql),
    joined: async (statements) => {
      if (statements.includes("COMMIT") && statements.some((sql) => sql.startsWith("INSERT"))) throw new Error("refused row");
      sent.push(statements.join("; "));
      return [];
    },
  });
  await observed.hold!(async () => void (await runner.query("START TRANSACTION")));
  await runner.query("SELECT $1", [1]);
  assert.deepEqual(sent, ["START TRANSACTION", "SELECT $1"]);
  await observed.hold!(async () => void (await runner.query(`INSERT INTO "migrations" VALUES (1)`)));
  await assert.rejects(runner.query("COMMIT"), /refused row/);
  assert.deepEqual(failed, [`INSERT INTO "migrations" VALUES (1)`]);
  // Nothing is held after a failure: the ROLLBACK goes alone.
  await runner.query("ROLLBACK");
  assert.deepEqual(sent.slice(2), ["ROLLBACK"]);
  observed.stop();
});

test("continued by op() calls: every statement is passed over until the last finished call is, then the rest by count", () => {
  const journal = new StatementJournal();
  journal.open(false, { resume: 1 });
  journal.passingOver = true;
  assert.ok(journal.isPassingOver);
  assert.equal(
    journal.shouldPassOver("INSERT INTO a VALUES (1)"),
    true,
    "sent before the last finished op() call: passed over, whatever the count",
  );
  assert.equal(journal.shouldPassOver("INSERT INTO a VALUES (2)"), true);
  assert.equal(journal.shouldPassOver("SELECT 1"), false, "reads still run");
  journal.passingOver = false;
  assert.equal(journal.shouldPassOver("INSERT INTO a VALUES (3)"), true, "then by count");
  assert.equal(journal.isPassingOver, false);
  assert.equal(journal.shouldPassOver("INSERT INTO a VALUES (4)"), false);
  journal.completed("INSERT INTO a VALUES (4)");
  assert.deepEqual(journal.statementsSoFar, [
    "INSERT INTO a VALUES (1)",
    "INSERT INTO a VALUES (2)",
    "INSERT INTO a VALUES (3)",
    "INSERT INTO a VALUES (4)",
  ]);
});
