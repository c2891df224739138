// Which tables raw SQL in a migration creates: what `generate` counts as
// managed by migrations (and so drops when the entity goes away).
import { test } from "node:test";
import assert from "node:assert/strict";
import { tablesCreatedBySql } from "../../src/commands/managed-tables";

test("CREATE TABLE statements name the tables they create, in every quoting", () => {
  assert.deepEqual(tablesCreatedBySql(`CREATE TABLE "users" ("id" integer)`), ["users"]);
  assert.deepEqual(tablesCreatedBySql(`create table if not exists audit_log (id int)`), ["audit_log"]);
  assert.deepEqual(tablesCreatedBySql(`CREATE TABLE "public"."orders" (id int)`), ["orders"]);
  assert.deepEqual(tablesCreatedBySql(`CREATE TABLE "odd""name" (id int); CREATE TABLE \`b\` (x int)`), ['odd"name', "b"]);
  assert.deepEqual(tablesCreatedBySql(`CREATE INDEX "IDX_a" ON "users" ("id")`), []);
  assert.deepEqual(tablesCreatedBySql(`ALTER TABLE "users" ADD "x" int`), []);
});
