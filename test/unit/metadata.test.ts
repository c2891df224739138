/**
 * schemaFromEntities: decorated entities → canonical Schema, built from the
 * metadata of a real DataSource (SQLite in memory, and PostgreSQL metadata
 * built without a connection).
 */
import "reflect-metadata";
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Check,
  Column,
  CreateDateColumn,
  DataSource,
  DeleteDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
  ViewEntity,
  ViewColumn,
} from "typeorm";
import { schemaFromEntities } from "../../src/metadata";
import { describeDifferences } from "../../src/schema/equal";
import type { Column as ModelColumn, Schema, Table } from "../../src/schema/model";

enum Role {
  Admin = "admin",
  Member = "member",
}

enum Level {
  Low = 1,
  High = 2,
}

// ── Portable entities: valid on SQLite and PostgreSQL ────────────────────────

@Entity({ name: "accounts" })
@Unique("UQ_accounts_first_last", ["firstName", "lastName"])
@Index("IDX_accounts_last_first", ["lastName", "firstName"])
@Index("IDX_accounts_email_active", ["email"], { unique: true, where: "deleted_at IS NULL" })
@Check("CHK_accounts_age", `"age" >= 0`)
class Account {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  nickname: string;

  @Column({ type: "varchar", length: 120, unique: true })
  email: string;

  @Column({ name: "first_name", length: "50" })
  firstName: string;

  @Column({ name: "last_name", type: "varchar", length: 50 })
  lastName: string;

  @Column({ type: "text", nullable: true })
  bio: string | null;

  @Column({ type: "int", default: 0 })
  age: number;

  @Column({ type: "integer" })
  score: number;

  @Column({ type: "smallint" })
  small: number;

  @Column({ type: "bigint" })
  big: string;

  @Column()
  verified: boolean;

  @Column({ type: "boolean", default: true })
  active: boolean;

  @Column({ name: "born_at" })
  bornAt: Date;

  @Column({ name: "seen_at", nullable: true })
  seenAt: Date;

  @Column({ type: "date" })
  birthday: string;

  @Column({ type: "time" })
  wakeup: string;

  @Column({ type: "float" })
  ratio: number;

  @Column({ type: "real" })
  ratio2: number;

  @Column({ type: "double precision" })
  precise: number;

  @Column({ type: "decimal", precision: 10, scale: 2, default: 9.5 })
  balance: string;

  @Column({ type: "numeric", precision: 6 })
  rough: string;

  @Column({ type: "json", nullable: true })
  settings: object | null;

  @Column({ type: "simple-json", nullable: true })
  prefs: object | null;

  @Column({ type: "simple-array", nullable: true })
  tags: string[] | null;

  @Column({ type: "uuid", name: "external_id" })
  externalId: string;

  @Column({ type: "simple-enum", enum: Role, default: Role.Member })
  role: Role;

  @Column({ type: "simple-enum", enum: ["a", "b"], enumName: "letter_kind" })
  letter: string;

  @Column({ type: "simple-enum", enum: Level })
  level: Level;

  @Column({ default: "it's" })
  motto: string;

  @Column({ type: "varchar", default: () => "now()" })
  stamp: string;

  @Column({ type: "varchar", default: () => "  lower('X')  " })
  computed: string;

  @Column({ type: "varchar", nullable: true, default: null })
  nothing: string | null;

  @CreateDateColumn({ name: "created_at" })
  createdAt: Date;

  @UpdateDateColumn({ name: "updated_at" })
  updatedAt: Date;

  @DeleteDateColumn({ name: "deleted_at" })
  deletedAt: Date | null;

  @VersionColumn()
  version: number;
}

@Entity({ name: "teams" })
class Team {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column({ type: "varchar", length: 80 })
  name: string;

  @ManyToOne(() => Team, { nullable: true, onDelete: "SET NULL" })
  @JoinColumn({ name: "parent_id" })
  parent: Team | null;

  @ManyToMany(() => Account)
  @JoinTable({ name: "team_members" })
  members: Account[];
}

@Entity({ name: "memberships" })
class Membership {
  @PrimaryColumn({ name: "account_id" })
  accountId: number;

  @PrimaryColumn({ type: "uuid", name: "team_id" })
  teamId: string;

  @ManyToOne(() => Account, { onDelete: "CASCADE", onUpdate: "CASCADE" })
  @JoinColumn({ name: "account_id" })
  account: Account;

  @ManyToOne(() => Team)
  @JoinColumn({ name: "team_id" })
  team: Team;

  @OneToOne(() => Account, { nullable: true })
  @JoinColumn({ name: "sponsor_id" })
  sponsor: Account | null;
}

@ViewEntity({ name: "account_names", expression: `SELECT "id", "nickname" FROM "accounts"` })
class AccountName {
  @ViewColumn()
  id: number;

  @ViewColumn()
  nickname: string;
}

const portableEntities = [Account, Team, Membership, AccountName];

// ── PostgreSQL spellings ─────────────────────────────────────────────────────

@Entity({ name: "pg_types" })
class PgTypes {
  @PrimaryGeneratedColumn("identity")
  id: number;

  @Column({ type: "int4" })
  a: number;

  @Column({ type: "int2" })
  b: number;

  @Column({ type: "int8" })
  c: string;

  @Column({ type: "character varying", length: 40 })
  d: string;

  @Column({ type: "char", length: 2 })
  e: string;

  @Column({ type: "character", length: 3 })
  f: string;

  @Column({ type: "bool" })
  g: boolean;

  @Column({ type: "timestamptz", default: () => "NOW()" })
  h: Date;

  @Column({ type: "timestamp with time zone" })
  i: Date;

  @Column({ type: "timestamp without time zone" })
  j: Date;

  @Column({ type: "timestamp" })
  j2: Date;

  @Column({ type: "float4" })
  k: number;

  @Column({ type: "float8" })
  l: number;

  @Column({ type: "jsonb", default: () => "'{}'" })
  m: object;

  @Column({ type: "bytea" })
  n: Buffer;

  @Column({ type: "enum", enum: Role, default: Role.Admin })
  role: Role;

  @Column({ type: "enum", enum: Level, enumName: "level_kind" })
  level: Level;

  @Column({ type: "tsvector", nullable: true })
  search: string;

  @Column({ type: "text", array: true, nullable: true })
  labels: string[];

  @Column({ type: "numeric", precision: 12, scale: 4 })
  amount: string;

  @Column({ type: "uuid", default: () => "gen_random_uuid()" })
  token: string;
}

// ── SQLite spellings ─────────────────────────────────────────────────────────

@Entity({ name: "lite_types" })
class SqliteTypes {
  @PrimaryGeneratedColumn("increment")
  id: number;

  @Column({ type: "datetime", default: () => "datetime('now')" })
  at: Date;

  @Column({ type: "blob" })
  data: Buffer;

  @Column({ type: "nvarchar", length: 10 })
  code: string;

  @Column({ type: "double" })
  d: number;

  // PostgreSQL's driver rejects the Buffer design type; SQLite takes it.
  @Column({ nullable: true })
  avatar: Buffer;
}

async function sqliteSchema(entities: Function[]): Promise<Schema> {
  const ds = new DataSource({ type: "sqlite", database: ":memory:", entities });
  await ds.initialize();
  try {
    return schemaFromEntities(ds.entityMetadatas);
  } finally {
    await ds.destroy();
  }
}

/** PostgreSQL metadata, built without connecting. */
async function postgresSchema(entities: Function[]): Promise<Schema> {
  const ds = new DataSource({ type: "postgres", entities });
  await (ds as any).buildMetadatas();
  return schemaFromEntities(ds.entityMetadatas);
}

/** MySQL metadata, built without connecting. */
async function mysqlSchema(entities: Function[]): Promise<Schema> {
  const ds = new DataSource({ type: "mysql", database: "test", entities });
  await (ds as any).buildMetadatas();
  return schemaFromEntities(ds.entityMetadatas);
}

function column(table: Table, name: string): ModelColumn {
  const found = table.columns.find((c) => c.name === name);
  assert.ok(found, `column ${table.name}.${name} exists`);
  return found;
}

test("design types and type names map to portable types", async () => {
  const accounts = (await sqliteSchema(portableEntities)).tables.accounts;
  const expected: Record<string, Partial<ModelColumn>> = {
    id: { type: "integer", nullable: false, generated: "increment" },
    nickname: { type: "varchar", nullable: false },
    email: { type: "varchar", length: 120 },
    first_name: { type: "varchar", length: 50 },
    last_name: { type: "varchar", length: 50 },
    bio: { type: "text", nullable: true },
    age: { type: "integer", default: "0" },
    score: { type: "integer" },
    small: { type: "smallint" },
    big: { type: "bigint" },
    verified: { type: "boolean" },
    active: { type: "boolean", default: "true" },
    born_at: { type: "timestamp" },
    seen_at: { type: "timestamp", nullable: true },
    birthday: { type: "date" },
    wakeup: { type: "time" },
    // TypeORM's "float" is double precision on PostgreSQL.
    ratio: { type: "double" },
    ratio2: { type: "real" },
    precise: { type: "double" },
    balance: { type: "decimal", precision: 10, scale: 2, default: "9.5" },
    rough: { type: "decimal", precision: 6 },
    settings: { type: "json", nullable: true },
    prefs: { type: "text" },
    tags: { type: "text" },
    external_id: { type: "uuid" },
    motto: { type: "varchar", default: "'it''s'" },
    stamp: { default: "CURRENT_TIMESTAMP" },
    computed: { default: "lower('X')" },
  };
  for (const [name, attributes] of Object.entries(expected)) {
    const actual = column(accounts, name);
    for (const [key, value] of Object.entries(attributes)) {
      assert.deepEqual((actual as any)[key], value, `accounts.${name}.${key}`);
    }
  }
  // No length unless one is given; no default unless one is declared.
  assert.equal(column(accounts, "nickname").length, undefined);
  assert.equal(column(accounts, "verified").default, undefined);
  assert.equal("default" in column(accounts, "nothing"), false);
  assert.equal(column(accounts, "nothing").nullable, true);
});

test("enums carry their values and a type name", async () => {
  const accounts = (await sqliteSchema(portableEntities)).tables.accounts;
  assert.deepEqual(column(accounts, "role"), {
    name: "role",
    type: "enum",
    nullable: false,
    default: "'member'",
    enum: ["admin", "member"],
    enumName: "accounts_role_enum",
  });
  assert.deepEqual(column(accounts, "letter").enum, ["a", "b"]);
  assert.equal(column(accounts, "letter").enumName, "letter_kind");
  assert.deepEqual(column(accounts, "level").enum, ["1", "2"]);
});

test("create/update/delete date and version columns", async () => {
  const accounts = (await sqliteSchema(portableEntities)).tables.accounts;
  // The canonical default is what Athanor compares; the spellings are TypeORM's
  // SQLite driver's own (its type and default for CreateDateColumn), written
  // to the database so that TypeORM reads back what it compares with.
  assert.deepEqual(column(accounts, "created_at"), {
    name: "created_at",
    type: "timestamp",
    declaredType: "datetime",
    nullable: false,
    default: "CURRENT_TIMESTAMP",
    defaultSql: "datetime('now')",
    dateColumn: "create",
  });
  assert.equal(column(accounts, "updated_at").default, "CURRENT_TIMESTAMP");
  assert.equal(column(accounts, "updated_at").dateColumn, "update");
  assert.equal(column(accounts, "deleted_at").dateColumn, "delete");
  assert.equal(column(accounts, "deleted_at").nullable, true);
  assert.equal(column(accounts, "deleted_at").default, undefined);
  assert.deepEqual(column(accounts, "version"), { name: "version", type: "integer", nullable: false });
});

test("date columns are the same in the model whichever driver built the metadata: the role, not MySQL's datetime(6) and ON UPDATE", async () => {
  // TypeORM's MySQL driver gives them precision 6, CURRENT_TIMESTAMP(6) and ON UPDATE; the
  // others nothing. A migration generated on one database must create on each what TypeORM would.
  const pick = (schema: Schema) =>
    ["created_at", "updated_at", "deleted_at"].map((name) => {
      const { precision, default: defaultValue, onUpdate, dateColumn } = column(schema.tables.accounts, name);
      return { name, precision, defaultValue, onUpdate, dateColumn };
    });
  const mysql = pick(await mysqlSchema(portableEntities));
  assert.deepEqual(mysql, pick(await postgresSchema(portableEntities)));
  assert.deepEqual(mysql, pick(await sqliteSchema(portableEntities)));
  assert.deepEqual(
    mysql.map((c) => [c.name, c.precision, c.onUpdate, c.dateColumn]),
    [
      ["created_at", undefined, undefined, "create"],
      ["updated_at", undefined, undefined, "update"],
      ["deleted_at", undefined, undefined, "delete"],
    ],
  );
});

test("keys, uniques, indexes and checks", async () => {
  const ds = new DataSource({ type: "sqlite", database: ":memory:", entities: portableEntities });
  await ds.initialize();
  const accounts = schemaFromEntities(ds.entityMetadatas).tables.accounts;
  const expectedPkName = ds.namingStrategy.primaryKeyName("accounts", ["id"]);
  await ds.destroy();

  assert.deepEqual(accounts.primaryKey, { name: expectedPkName, columns: ["id"] });
  assert.deepEqual(accounts.uniques.map((u) => u.columns.join()).sort(), ["email", "first_name,last_name"]);
  assert.ok(accounts.uniques.some((u) => u.name === "UQ_accounts_first_last"));
  assert.ok(accounts.uniques.every((u) => u.name.length > 0));
  const byName = Object.fromEntries(accounts.indexes.map((i) => [i.name, i]));
  assert.deepEqual(byName.IDX_accounts_last_first, {
    name: "IDX_accounts_last_first",
    columns: ["last_name", "first_name"],
    unique: false,
  });
  assert.deepEqual(byName.IDX_accounts_email_active, {
    name: "IDX_accounts_email_active",
    columns: ["email"],
    unique: true,
    where: "deleted_at IS NULL",
  });
  assert.deepEqual(accounts.checks, [{ name: "CHK_accounts_age", expression: `"age" >= 0` }]);
});

test("relations: foreign keys, one-to-one uniques, junction tables; views are skipped", async () => {
  const schema = await sqliteSchema(portableEntities);
  assert.deepEqual(Object.keys(schema.tables).sort(), ["accounts", "memberships", "team_members", "teams"]);

  const teams = schema.tables.teams;
  assert.deepEqual(column(teams, "id"), { name: "id", type: "uuid", nullable: false, generated: "uuid" });
  // A foreign key column takes the referenced column's type, not its generation.
  assert.deepEqual(column(teams, "parent_id"), { name: "parent_id", type: "uuid", nullable: true });
  assert.deepEqual(
    teams.foreignKeys.map(({ name, ...fk }) => fk),
    [{ columns: ["parent_id"], referencedTable: "teams", referencedColumns: ["id"], onDelete: "SET NULL", onUpdate: "NO ACTION" }],
  );

  const memberships = schema.tables.memberships;
  assert.deepEqual(memberships.primaryKey?.columns, ["account_id", "team_id"]);
  const fks = Object.fromEntries(memberships.foreignKeys.map((fk) => [fk.columns.join(), fk]));
  assert.equal(fks.account_id.onDelete, "CASCADE");
  assert.equal(fks.account_id.onUpdate, "CASCADE");
  assert.equal(fks.team_id.referencedTable, "teams");
  assert.equal(fks.team_id.onDelete, "NO ACTION");
  assert.equal(fks.sponsor_id.referencedTable, "accounts");
  // One-to-one join columns are unique.
  assert.deepEqual(
    memberships.uniques.map((u) => u.columns),
    [["sponsor_id"]],
  );

  const junction = schema.tables.team_members;
  assert.deepEqual(
    junction.columns.map((c) => [c.name, c.type, c.nullable]),
    [
      ["teamsId", "uuid", false],
      ["accountsId", "integer", false],
    ],
  );
  assert.deepEqual(junction.primaryKey?.columns, ["teamsId", "accountsId"]);
  assert.deepEqual(junction.foreignKeys.map((fk) => fk.referencedTable).sort(), ["accounts", "teams"]);
  assert.equal(
    junction.foreignKeys.every((fk) => fk.onDelete === "CASCADE"),
    true,
  );
});

test("portable entities give the same Schema on SQLite and PostgreSQL metadata", async () => {
  const onSqlite = await sqliteSchema(portableEntities);
  const onPostgres = await postgresSchema(portableEntities);
  assert.deepEqual(describeDifferences(onSqlite, onPostgres), []);
  // Names too: both sides use the same naming strategy. Only the spellings
  // (never compared) follow the driver, as TypeORM's own DDL does.
  assert.deepEqual(withoutSpellings(onPostgres), withoutSpellings(onSqlite));
  assert.equal(column(onPostgres.tables.accounts, "created_at").defaultSql, "now()");
  assert.equal(column(onSqlite.tables.accounts, "created_at").defaultSql, "datetime('now')");
});

test("PostgreSQL type spellings", async () => {
  const table = (await postgresSchema([PgTypes])).tables.pg_types;
  const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
  assert.deepEqual(types, {
    id: "integer",
    a: "integer",
    b: "smallint",
    c: "bigint",
    d: "varchar",
    e: "char",
    f: "char",
    g: "boolean",
    h: "timestamptz",
    i: "timestamptz",
    j: "timestamp",
    j2: "timestamp",
    k: "real",
    l: "double",
    m: "jsonb",
    n: "blob",
    role: "enum",
    level: "enum",
    search: "tsvector",
    labels: "text[]",
    amount: "decimal",
    token: "uuid",
  });
  assert.equal(column(table, "id").generated, "identity");
  assert.equal(column(table, "d").length, 40);
  assert.equal(column(table, "h").default, "CURRENT_TIMESTAMP");
  assert.equal(column(table, "m").default, "'{}'");
  assert.equal(column(table, "token").default, "gen_random_uuid()");
  assert.equal(column(table, "role").default, "'admin'");
  assert.equal(column(table, "role").enumName, "pg_types_role_enum");
  assert.deepEqual(column(table, "level"), {
    name: "level",
    type: "enum",
    nullable: false,
    enum: ["1", "2"],
    enumName: "level_kind",
  });
  assert.deepEqual([column(table, "amount").precision, column(table, "amount").scale], [12, 4]);
});

test("SQLite type spellings", async () => {
  const table = (await sqliteSchema([SqliteTypes])).tables.lite_types;
  assert.deepEqual(
    table.columns.map((c) => [c.name, c.type, c.length, c.default]),
    [
      ["id", "integer", undefined, undefined],
      ["at", "timestamp", undefined, "CURRENT_TIMESTAMP"],
      ["data", "blob", undefined, undefined],
      ["code", "varchar", 10, undefined],
      ["d", "double", undefined, undefined],
      ["avatar", "blob", undefined, undefined],
    ],
  );
});

/** A schema without the per-driver spellings `declaredType` and `defaultSql`. */
function withoutSpellings(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema, (key, value) => (key === "declaredType" || key === "defaultSql" ? undefined : value)));
}
