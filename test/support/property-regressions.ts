/**
 * Counterexamples the property tests found (shrunk by fast-check), kept as
 * explicit examples so the bug they revealed stays fixed whatever the seed.
 * Each says what was wrong.
 */
import type { Column, ForeignKeyAction, Schema, Table } from "../../src/schema/model";
import type { SchemaPair } from "./arbitraries";

/** A table with no constraint but those `extra` gives it. */
function table(name: string, columns: Column[], extra: Partial<Omit<Table, "name" | "columns">> = {}): Table {
  return { name, columns, uniques: [], indexes: [], foreignKeys: [], checks: [], ...extra };
}

function schema(...tables: Table[]): Schema {
  return { tables: Object.fromEntries(tables.map((t) => [t.name, t])) };
}

/** A survivor that keeps its name and every column's. */
function kept(t: Table): SchemaPair["survivors"][number] {
  return { from: t.name, to: t.name, columns: t.columns.map((c) => ({ from: c.name, to: c.name })) };
}

export const DATABASE_REGRESSIONS: Array<{ why: string; pair: SchemaPair }> = [
  {
    why: "SQLite: renaming a column named in a table CHECK",
    pair: {
      a: schema(
        table("id", [{ name: "id", type: "jsonb", nullable: true }], { checks: [{ name: "CHK1", expression: '"id" IS NOT NULL' }] }),
      ),
      b: schema(
        table("id", [{ name: "name", type: "jsonb", nullable: true }], { checks: [{ name: "CHK1", expression: '"name" IS NOT NULL' }] }),
      ),
      renames: { tables: [], columns: [{ table: "id", from: "id", to: "name" }] },
      dropTables: [],
      survivors: [{ from: "id", to: "id", columns: [{ from: "id", to: "name" }] }],
    },
  },
  {
    why: "PostgreSQL: renaming a primary key column with partial unique indexes on it",
    pair: {
      a: schema(
        table("id", [{ name: "id", type: "smallint", nullable: false, default: "0" }], {
          indexes: [
            { name: "IX1", columns: ["id"], unique: true, where: '"id" IS NOT NULL' },
            { name: "IX2", columns: ["id"], unique: true, where: '"id" IS NOT NULL' },
          ],
          primaryKey: { columns: ["id"] },
        }),
        nameTable(),
      ),
      b: schema(
        table("id", [{ name: "name", type: "smallint", nullable: false, default: "0" }], {
          indexes: [
            { name: "IX1", columns: ["name"], unique: true, where: '"name" IS NOT NULL' },
            { name: "IX2", columns: ["name"], unique: true, where: '"name" IS NOT NULL' },
          ],
          primaryKey: { columns: ["name"] },
        }),
        nameTable(),
      ),
      renames: { tables: [], columns: [{ table: "id", from: "id", to: "name" }] },
      dropTables: [],
      survivors: [{ from: "id", to: "id", columns: [{ from: "id", to: "name" }] }, kept(nameTable())],
    },
  },
  {
    why: "PostgreSQL: a CHECK comparing with a negative number",
    pair: {
      a: schema(incrementKeyed()),
      b: schema(
        incrementKeyed(),
        table("name", [{ name: "id", type: "smallint", nullable: true, default: "0" }], {
          checks: [{ name: "CHKm4", expression: '"id" >= -5' }],
        }),
      ),
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [kept(incrementKeyed())],
    },
  },
  {
    why: "SQLite: dropping an auto-increment primary key, then reverting",
    pair: {
      a: schema(
        table(
          "id",
          [
            { name: "id", type: "decimal", precision: 10, scale: 2, nullable: true },
            { name: "name", type: "smallint", nullable: false, generated: "increment" },
          ],
          { primaryKey: { columns: ["name"] } },
        ),
      ),
      b: schema(
        table("id", [
          { name: "id", type: "decimal", precision: 10, scale: 2, nullable: true },
          { name: "name", type: "smallint", nullable: false },
        ]),
      ),
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [idAndNameKept()],
    },
  },
  {
    why: "SQLite: a unique constraint on exactly the primary key's columns (they share one index)",
    pair: {
      a: schema(
        table(
          "id",
          [
            { name: "id", type: "timestamp", nullable: true, default: "CURRENT_TIMESTAMP" },
            { name: "name", type: "smallint", nullable: true },
          ],
          { uniques: [{ name: "UQ1", columns: ["name"] }] },
        ),
      ),
      b: schema(
        table(
          "id",
          [
            { name: "id", type: "timestamp", nullable: true, default: "CURRENT_TIMESTAMP" },
            { name: "name", type: "smallint", nullable: false },
          ],
          { uniques: [{ name: "UQ1", columns: ["name"] }], primaryKey: { columns: ["name"] } },
        ),
      ),
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [idAndNameKept()],
    },
  },
  {
    why: "MariaDB: a check read back names a reserved word bare (table IS NOT NULL), which revert could not add again",
    pair: checkDropped("table"),
  },
  {
    why: "MariaDB: a primary key over a foreign key's columns replaces MySQL's index for the key; dropping it (revert) needs the index back",
    pair: {
      a: schema(parentP(), childC()),
      b: schema(parentP(), childC({ primaryKey: { columns: ["pid"] } })),
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [kept(parentP()), kept(childC())],
    },
  },
  {
    why: 'MariaDB: a quote inside a name in a check ("it\'s") was read, and rendered, as a string literal',
    pair: checkDropped("it's"),
  },
  {
    why: "MariaDB refuses ON UPDATE CASCADE from a nullable column into a NOT NULL one beside ON DELETE RESTRICT (errno 150; seed 1114181183): Athanor refuses it too (E234), so the server must",
    pair: cascadeFromNullableCode({ a: false, b: false }),
  },
  {
    why: "MariaDB: the column under such a key made NOT NULL by the migration: Athanor refuses b (E234), and the server the ALTER",
    pair: cascadeFromNullableCode({ a: true, b: false }),
  },
  {
    why: "MariaDB takes the same key beside ON DELETE NO ACTION: Athanor must not refuse it",
    pair: cascadeFromNullableCode({ a: false, b: false }, "NO ACTION"),
  },
  {
    why: 'MariaDB (seed -632544424, the clean-clone CI run): reverting a migration that made a referenced column NOT NULL and the primary key failed ("Cannot change column: used in a foreign key constraint": a NOT NULL column references it ON UPDATE CASCADE)',
    pair: referencedColumnChanges({ type: "date", nullable: true }, { type: "date", nullable: false }, true),
  },
  {
    why: "MySQL/MariaDB refuse a new type on both sides of a foreign key while the key exists: int to bigint, up and down",
    pair: referencedColumnChanges({ type: "integer", nullable: false }, { type: "bigint", nullable: false }, false),
  },
  {
    why: "MariaDB (seed 808611216): a unique key added over the columns of a live unique index paired with that index, so the index was created again (Duplicate key name)",
    pair: {
      a: {
        tables: {
          t: {
            name: "t",
            columns: [{ name: "created_at", type: "bigint", nullable: false }],
            uniques: [],
            indexes: [{ name: "IX6 Ñ", columns: ["created_at"], unique: true }],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      b: {
        tables: {
          t: {
            name: "t",
            columns: [{ name: "created_at", type: "bigint", nullable: false }],
            uniques: [{ name: "UQm2 名", columns: ["created_at"] }],
            indexes: [{ name: "IX6 Ñ", columns: ["created_at"], unique: true }],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [{ from: "t", to: "t", columns: [{ from: "created_at", to: "created_at" }] }],
    },
  },
  {
    why: "every dialect: an index added over the columns of a live index of the same structure paired with it by position, not name, so the live one was created again",
    pair: {
      a: {
        tables: {
          t: {
            name: "t",
            columns: [{ name: "score", type: "integer", nullable: true }],
            uniques: [],
            indexes: [{ name: "IX1", columns: ["score"], unique: false }],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      b: {
        tables: {
          t: {
            name: "t",
            columns: [{ name: "score", type: "integer", nullable: true }],
            uniques: [],
            indexes: [
              { name: "IXm1", columns: ["score"], unique: false },
              { name: "IX1", columns: ["score"], unique: false },
            ],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [{ from: "t", to: "t", columns: [{ from: "score", to: "score" }] }],
    },
  },
  {
    why: "MySQL and SQLite compare index names ignoring case: a live IX_A kept as ix_b (same columns) met the new ix_a (other columns)",
    pair: {
      a: {
        tables: {
          t: {
            name: "t",
            columns: [
              { name: "score", type: "integer", nullable: true },
              { name: "total", type: "integer", nullable: true },
            ],
            uniques: [],
            indexes: [{ name: "IX_A Ñ", columns: ["score"], unique: false }],
            foreignKeys: [],
            checks: [{ name: "CK_A", expression: '"score" >= 0' }],
          },
        },
      },
      b: {
        tables: {
          t: {
            name: "t",
            columns: [
              { name: "score", type: "integer", nullable: true },
              { name: "total", type: "integer", nullable: true },
            ],
            uniques: [],
            indexes: [
              { name: "ix_b", columns: ["score"], unique: false },
              { name: "ix_a Ñ", columns: ["total"], unique: false },
            ],
            foreignKeys: [],
            checks: [
              { name: "ck_b", expression: '"score" >= 0' },
              { name: "ck_a", expression: '"total" >= 0' },
            ],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [
        {
          from: "t",
          to: "t",
          columns: [
            { from: "score", to: "score" },
            { from: "total", to: "total" },
          ],
        },
      ],
    },
  },
  {
    why: "PostgreSQL and SQLite keep index names per schema: a live ix_a kept as ix_b (same columns) met a new ix_a on another table",
    pair: {
      a: {
        tables: {
          t1: {
            name: "t1",
            columns: [{ name: "a", type: "integer", nullable: true }],
            uniques: [],
            indexes: [{ name: "ix_a", columns: ["a"], unique: false }],
            foreignKeys: [],
            checks: [],
          },
          t2: {
            name: "t2",
            columns: [{ name: "x", type: "integer", nullable: true }],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      b: {
        tables: {
          t1: {
            name: "t1",
            columns: [{ name: "a", type: "integer", nullable: true }],
            uniques: [],
            indexes: [{ name: "ix_b", columns: ["a"], unique: false }],
            foreignKeys: [],
            checks: [],
          },
          t2: {
            name: "t2",
            columns: [{ name: "x", type: "integer", nullable: true }],
            uniques: [],
            indexes: [{ name: "ix_a", columns: ["x"], unique: false }],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [
        { from: "t1", to: "t1", columns: [{ from: "a", to: "a" }] },
        { from: "t2", to: "t2", columns: [{ from: "x", to: "x" }] },
      ],
    },
  },
];

// Tables and survivors more than one place holds: each call builds new objects, so no two places share one.

/** Table name: a time and a jsonb column, a check on the first. */
function nameTable(): Table {
  return table(
    "name",
    [
      { name: "id", type: "time", nullable: true },
      { name: "name", type: "jsonb", nullable: true },
    ],
    { checks: [{ name: "CHK3", expression: '"id" IS NOT NULL' }] },
  );
}

/** Table id: an auto-increment key (PK1) and a smallint with a default. */
function incrementKeyed(): Table {
  return table(
    "id",
    [
      { name: "id", type: "smallint", nullable: false, generated: "increment" },
      { name: "name", type: "smallint", nullable: true, default: "0" },
    ],
    { primaryKey: { columns: ["id"], name: "PK1" } },
  );
}

/** Table p and table c, whose foreign key FK1 (c.pid) points at p.id. */
function parentP(): Table {
  return table("p", [{ name: "id", type: "integer", nullable: false }], { primaryKey: { columns: ["id"] } });
}

function childC(extra: Partial<Table> = {}): Table {
  return table("c", [{ name: "pid", type: "integer", nullable: false }], {
    foreignKeys: [
      { name: "FK1", columns: ["pid"], referencedTable: "p", referencedColumns: ["id"], onDelete: "NO ACTION", onUpdate: "NO ACTION" },
    ],
    ...extra,
  });
}

/** Table id's columns id and name, both kept. */
function idAndNameKept(): SchemaPair["survivors"][number] {
  return {
    from: "id",
    to: "id",
    columns: [
      { from: "id", to: "id" },
      { from: "name", to: "name" },
    ],
  };
}

/** Table t's one nullable integer column `column` loses its IS NOT NULL check. */
function checkDropped(column: string): SchemaPair {
  const t = (checks: Table["checks"]) => table("t", [{ name: column, type: "integer", nullable: true }], { checks });
  return {
    a: schema(t([{ name: "CHK1", expression: `"${column}" IS NOT NULL` }])),
    b: schema(t([])),
    renames: { tables: [], columns: [] },
    dropTables: [],
    survivors: [kept(t([]))],
  };
}

/**
 * p.code (nullable, unique) referenced by c.pid ON UPDATE CASCADE, c.pid
 * nullable or not in `a` and in `b`: fine on SQLite and PostgreSQL, refused
 * by MariaDB wherever c.pid is NOT NULL beside ON DELETE RESTRICT, taken
 * beside NO ACTION.
 */
function cascadeFromNullableCode(pidNullable: { a: boolean; b: boolean }, onDelete: ForeignKeyAction = "RESTRICT"): SchemaPair {
  const schema = (nullable: boolean): SchemaPair["a"] => ({
    tables: {
      p: {
        name: "p",
        columns: [
          { name: "id", type: "integer", nullable: false },
          { name: "code", type: "integer", nullable: true },
        ],
        primaryKey: { columns: ["id"] },
        uniques: [{ name: "UQ_p_code", columns: ["code"] }],
        indexes: [],
        foreignKeys: [],
        checks: [],
      },
      c: {
        name: "c",
        columns: [
          { name: "id", type: "integer", nullable: false },
          { name: "pid", type: "integer", nullable },
        ],
        primaryKey: { columns: ["id"] },
        uniques: [],
        indexes: [],
        foreignKeys: [
          {
            name: "FK_c_pid",
            columns: ["pid"],
            referencedTable: "p",
            referencedColumns: ["code"],
            onDelete,
            onUpdate: "CASCADE",
          },
        ],
        checks: [],
      },
    },
  });
  return {
    a: schema(pidNullable.a),
    b: schema(pidNullable.b),
    renames: { tables: [], columns: [] },
    dropTables: [],
    survivors: [
      {
        from: "p",
        to: "p",
        columns: [
          { from: "id", to: "id" },
          { from: "code", to: "code" },
        ],
      },
      {
        from: "c",
        to: "c",
        columns: [
          { from: "id", to: "id" },
          { from: "pid", to: "pid" },
        ],
      },
    ],
  };
}

/**
 * p.code changes from `from` to `to` (and becomes p's primary key with
 * `becomesKey`), under the key c.pid → p.code ON DELETE CASCADE ON UPDATE
 * CASCADE; c.pid is NOT NULL and takes the same type as p.code.
 */
function referencedColumnChanges(
  from: Pick<Column, "type" | "nullable">,
  to: Pick<Column, "type" | "nullable">,
  becomesKey: boolean,
): SchemaPair {
  const parent = (code: Pick<Column, "type" | "nullable">, key: boolean) =>
    table("p", [{ name: "code", ...code }], {
      uniques: [{ name: "UQ_p_code", columns: ["code"] }],
      ...(key ? { primaryKey: { columns: ["code"] } } : {}),
    });
  const child = (type: string) =>
    table("c", [{ name: "pid", type, nullable: false }], {
      foreignKeys: [
        { name: "FK_c_pid", columns: ["pid"], referencedTable: "p", referencedColumns: ["code"], onDelete: "CASCADE", onUpdate: "CASCADE" },
      ],
    });
  const a = schema(parent(from, false), child(from.type));
  const b = schema(parent(to, becomesKey), child(to.type));
  return { a, b, renames: { tables: [], columns: [] }, dropTables: [], survivors: [kept(a.tables.p), kept(a.tables.c)] };
}
