/**
 * The key MySQL/MariaDB expressions are compared by
 * (src/dialects/mysql/expression-key.ts): each entity spelling beside the
 * text MariaDB 10.11 printed for it in information_schema.CHECK_CONSTRAINTS
 * (copied from the server; test/e2e/mysql-stable-expressions.test.ts
 * runs them through the CLI), MySQL 8's CHECK_CLAUSE as its manual shows it
 * (each condition in parentheses, literals escaped with their introducer;
 * no MySQL server runs here), and expressions that differ in value, whose
 * keys must differ.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { expressionKey } from "../../src/dialects/mysql/expression-key";
import { readCheckClause } from "../../src/dialects/mysql/expressions";

const SAME: Array<[entity: string, printed: string]> = [
  ["`price` > 0", "`price` > 0"],
  ['"price" > 0', "`price` > 0"],
  ["PRICE > 0 AND qty>=1", "`price` > 0 and `qty` >= 1"],
  ["((price > 0))", "`price` > 0"],
  ["name <> _utf8mb4'x'", "`name` <> _utf8mb4'x'"],
  ["name <> 'x'", "`name` <> _utf8mb4'x'"],
  ["name = N'x'", "`name` = 'x'"],
  ["code IN ('a','b', 'c')", "`code` in ('a','b','c')"],
  ["code IN ('c', 'b', 'a')", "`code` in ('a','b','c')"],
  ["price != qty", "`price` <> `qty`"],
  ["name IS NOT NULL", "`name` is not null"],
  ["NOT (price < 0)", "`price` >= 0"],
  ["NOT price IS NULL", "`price` is not null"],
  ["price > 1.50", "`price` > 1.50"],
  ["price > 1.5", "`price` > 1.50"],
  ["LENGTH(name) > 2", "octet_length(`name`) > 2"],
  ["lower(name) = name", "lcase(`name`) = `name`"],
  ["SUBSTRING(name, 1, 1) <> 'x'", "substr(`name`,1,1) <> 'x'"],
  ["price BETWEEN 1 AND 10", "`price` between 1 and 10"],
  ["price > +1", "`price` > 1"],
  ["price > -(1)", "`price` > -1"],
  ["price = 010", "`price` = 10"],
  ["code NOT IN ('z')", "`code` <> 'z'"],
  ["flag = TRUE", "`flag` = 1"],
  ["(price > 0) AND (qty > 0)", "`price` > 0 and `qty` > 0"],
  ["(price > 0 AND qty > 0) OR name IS NULL", "`price` > 0 and `qty` > 0 or `name` is null"],
  ["price > 0 AND (qty > 0 OR name IS NULL)", "`price` > 0 and (`qty` > 0 or `name` is null)"],
  ["price > 0 && qty > 0", "`price` > 0 and `qty` > 0"],
  ["((price * 2) + 1) > 0", "`price` * 2 + 1 > 0"],
  ["CAST(code AS UNSIGNED) > 0", "cast(`code` as unsigned) > 0"],
  ["COALESCE(price, 0) >= IFNULL(qty, 0)", "coalesce(`price`,0) >= ifnull(`qty`,0)"],
  ["name = 'it''s'", "`name` = 'it\\'s'"],
  ["\"homeCity\" <> 'x'", "`homeCity` <> 'x'"],
  ["CASE WHEN price > 0 THEN 1 ELSE 0 END = 1", "case when `price` > 0 then 1 else 0 end = 1"],
];

const DIFFERENT: Array<[string, string]> = [
  ["(price + 1) * 2 > 0", "price + 1 * 2 > 0"],
  ["price > 0 AND (qty > 0 OR name IS NULL)", "price > 0 AND qty > 0 OR name IS NULL"],
  ["name <> 'X'", "name <> 'x'"],
  ["price > 0", "price >= 0"],
  ["code IN ('a', 'b')", "code NOT IN ('a', 'b')"],
  ["price - 1 > 0", "price > -1"],
  ["name IS NULL", "name IS NOT NULL"],
];

for (const [entity, printed] of SAME) {
  test(`mysql expression key: ${entity} is the server's ${printed}`, () => {
    const key = expressionKey(entity);
    assert.notEqual(key, undefined);
    assert.equal(key, expressionKey(printed));
  });
}

for (const [a, b] of DIFFERENT) {
  test(`mysql expression key: ${a} is not ${b}`, () => {
    assert.notEqual(expressionKey(a), undefined);
    assert.notEqual(expressionKey(a), expressionKey(b));
  });
}

test("mysql expression key: what the parser cannot read has no key (the caller compares text)", () => {
  assert.equal(expressionKey("created_at > NOW() - INTERVAL 1 DAY"), undefined);
  assert.equal(expressionKey("price >"), undefined);
  assert.equal(expressionKey("price > 0)"), undefined);
});

test("mysql expression key: MySQL 8's CHECK_CLAUSE, parentheses around each condition, is the entity's check", () => {
  const printed = readCheckClause("((`price` > 0) and (`name` <> _utf8mb4\\'x\\'))");
  assert.equal(expressionKey(printed), expressionKey("price > 0 AND name <> 'x'"));
});
