/**
 * What the journal says remains applied of a migration's code, for the
 * cases MySQL/MariaDB brought: DDL that commits implicitly, a data check
 * written as a compound statement, a failed operation's cleanup, and a
 * partly applied migration resumed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { counts, StatementJournal } from "../../src/runner/statement-journal";

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
  assert.equal(journal.skip("SELECT 1"), false);
  assert.equal(journal.skip("CREATE TABLE a (id int)"), true);
  assert.equal(journal.skip("BEGIN"), false);
  assert.equal(journal.skip("INSERT INTO a VALUES (1)"), true);
  assert.equal(journal.skip("INSERT INTO b VALUES (1)"), false, "the third is sent");
  journal.completed("INSERT INTO b VALUES (1)");
  assert.equal(journal.appliedCount, 3);
  assert.deepEqual(journal.close(), ["CREATE TABLE a (id int)", "INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (1)"]);
});

test("a SELECT whose strings or names say INTO, setval or nextval is still a read; one that selects INTO a table writes", () => {
  // MySQL's data check is one SELECT whose sentence names the rows; an enum value may read "moved into".
  assert.equal(counts("SELECT 'values moved into archive' FROM `items` WHERE `state` = 'into' LIMIT 1"), false);
  assert.equal(counts('SELECT "into", `nextval` FROM t'), false);
  assert.equal(counts("SELECT 'it''s into' AS x"), false);
  assert.equal(counts("SELECT a INTO b FROM t"), true);
  assert.equal(counts("SELECT setval('s', 5)"), true);
});

test("continued by op() calls: every statement is passed over until the last finished call is, then the rest by count", () => {
  const journal = new StatementJournal();
  journal.open(false, { resume: 1 });
  journal.passingOver = true;
  assert.ok(journal.skipping);
  assert.equal(journal.skip("INSERT INTO a VALUES (1)"), true, "sent before the last finished op() call: passed over, whatever the count");
  assert.equal(journal.skip("INSERT INTO a VALUES (2)"), true);
  assert.equal(journal.skip("SELECT 1"), false, "reads still run");
  journal.passingOver = false;
  assert.equal(journal.skip("INSERT INTO a VALUES (3)"), true, "then by count");
  assert.equal(journal.skipping, false);
  assert.equal(journal.skip("INSERT INTO a VALUES (4)"), false);
  journal.completed("INSERT INTO a VALUES (4)");
  assert.deepEqual(journal.statementsSoFar, [
    "INSERT INTO a VALUES (1)",
    "INSERT INTO a VALUES (2)",
    "INSERT INTO a VALUES (3)",
    "INSERT INTO a VALUES (4)",
  ]);
});
