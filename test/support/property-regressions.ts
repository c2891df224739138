/**
 * Counterexamples the property tests found (shrunk by fast-check), kept as
 * explicit examples so the bug they revealed stays fixed whatever the seed.
 * Each says what was wrong.
 */
import type { ForeignKeyAction } from "../../src/schema/model";
import type { SchemaPair } from "./arbitraries";

export const DATABASE_REGRESSIONS: Array<{ why: string; pair: SchemaPair }> = [
  {
    why: "SQLite: renaming a column named in a table CHECK",
    pair: {
      a: {
        tables: {
          id: {
            name: "id",
            columns: [{ name: "id", type: "jsonb", nullable: true }],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [{ name: "CHK1", expression: '"id" IS NOT NULL' }],
          },
        },
      },
      b: {
        tables: {
          id: {
            name: "id",
            columns: [{ name: "name", type: "jsonb", nullable: true }],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [{ name: "CHK1", expression: '"name" IS NOT NULL' }],
          },
        },
      },
      renames: { tables: [], columns: [{ table: "id", from: "id", to: "name" }] },
      dropTables: [],
      survivors: [{ from: "id", to: "id", columns: [{ from: "id", to: "name" }] }],
    },
  },
  {
    why: "PostgreSQL: renaming a primary key column with partial unique indexes on it",
    pair: {
      a: {
        tables: {
          id: {
            name: "id",
            columns: [{ name: "id", type: "smallint", nullable: false, default: "0" }],
            uniques: [],
            indexes: [
              { name: "IX1", columns: ["id"], unique: true, where: '"id" IS NOT NULL' },
              { name: "IX2", columns: ["id"], unique: true, where: '"id" IS NOT NULL' },
            ],
            foreignKeys: [],
            checks: [],
            primaryKey: { columns: ["id"] },
          },
          name: {
            name: "name",
            columns: [
              { name: "id", type: "time", nullable: true },
              { name: "name", type: "jsonb", nullable: true },
            ],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [{ name: "CHK3", expression: '"id" IS NOT NULL' }],
          },
        },
      },
      b: {
        tables: {
          id: {
            name: "id",
            columns: [{ name: "name", type: "smallint", nullable: false, default: "0" }],
            uniques: [],
            indexes: [
              { name: "IX1", columns: ["name"], unique: true, where: '"name" IS NOT NULL' },
              { name: "IX2", columns: ["name"], unique: true, where: '"name" IS NOT NULL' },
            ],
            foreignKeys: [],
            checks: [],
            primaryKey: { columns: ["name"] },
          },
          name: {
            name: "name",
            columns: [
              { name: "id", type: "time", nullable: true },
              { name: "name", type: "jsonb", nullable: true },
            ],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [{ name: "CHK3", expression: '"id" IS NOT NULL' }],
          },
        },
      },
      renames: { tables: [], columns: [{ table: "id", from: "id", to: "name" }] },
      dropTables: [],
      survivors: [
        { from: "id", to: "id", columns: [{ from: "id", to: "name" }] },
        {
          from: "name",
          to: "name",
          columns: [
            { from: "id", to: "id" },
            { from: "name", to: "name" },
          ],
        },
      ],
    },
  },
  {
    why: "PostgreSQL: a CHECK comparing with a negative number",
    pair: {
      a: {
        tables: {
          id: {
            name: "id",
            columns: [
              { name: "id", type: "smallint", nullable: false, generated: "increment" },
              { name: "name", type: "smallint", nullable: true, default: "0" },
            ],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
            primaryKey: { columns: ["id"], name: "PK1" },
          },
        },
      },
      b: {
        tables: {
          id: {
            name: "id",
            columns: [
              { name: "id", type: "smallint", nullable: false, generated: "increment" },
              { name: "name", type: "smallint", nullable: true, default: "0" },
            ],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
            primaryKey: { columns: ["id"], name: "PK1" },
          },
          name: {
            name: "name",
            columns: [{ name: "id", type: "smallint", nullable: true, default: "0" }],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [{ name: "CHKm4", expression: '"id" >= -5' }],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [
        {
          from: "id",
          to: "id",
          columns: [
            { from: "id", to: "id" },
            { from: "name", to: "name" },
          ],
        },
      ],
    },
  },
  {
    why: "SQLite: dropping an auto-increment primary key, then reverting",
    pair: {
      a: {
        tables: {
          id: {
            name: "id",
            columns: [
              { name: "id", type: "decimal", precision: 10, scale: 2, nullable: true },
              { name: "name", type: "smallint", nullable: false, generated: "increment" },
            ],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
            primaryKey: { columns: ["name"] },
          },
        },
      },
      b: {
        tables: {
          id: {
            name: "id",
            columns: [
              { name: "id", type: "decimal", precision: 10, scale: 2, nullable: true },
              { name: "name", type: "smallint", nullable: false },
            ],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [
        {
          from: "id",
          to: "id",
          columns: [
            { from: "id", to: "id" },
            { from: "name", to: "name" },
          ],
        },
      ],
    },
  },
  {
    why: "SQLite: a unique constraint on exactly the primary key's columns (they share one index)",
    pair: {
      a: {
        tables: {
          id: {
            name: "id",
            columns: [
              { name: "id", type: "timestamp", nullable: true, default: "CURRENT_TIMESTAMP" },
              { name: "name", type: "smallint", nullable: true },
            ],
            uniques: [{ name: "UQ1", columns: ["name"] }],
            indexes: [],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      b: {
        tables: {
          id: {
            name: "id",
            columns: [
              { name: "id", type: "timestamp", nullable: true, default: "CURRENT_TIMESTAMP" },
              { name: "name", type: "smallint", nullable: false },
            ],
            uniques: [{ name: "UQ1", columns: ["name"] }],
            indexes: [],
            foreignKeys: [],
            checks: [],
            primaryKey: { columns: ["name"] },
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [
        {
          from: "id",
          to: "id",
          columns: [
            { from: "id", to: "id" },
            { from: "name", to: "name" },
          ],
        },
      ],
    },
  },
  {
    why: "MariaDB: a check read back names a reserved word bare (table IS NOT NULL), which revert could not add again",
    pair: {
      a: {
        tables: {
          t: {
            name: "t",
            columns: [{ name: "table", type: "integer", nullable: true }],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [{ name: "CHK1", expression: '"table" IS NOT NULL' }],
          },
        },
      },
      b: {
        tables: {
          t: {
            name: "t",
            columns: [{ name: "table", type: "integer", nullable: true }],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [{ from: "t", to: "t", columns: [{ from: "table", to: "table" }] }],
    },
  },
  {
    why: "MariaDB: a primary key over a foreign key's columns replaces MySQL's index for the key; dropping it (revert) needs the index back",
    pair: {
      a: {
        tables: {
          p: {
            name: "p",
            columns: [{ name: "id", type: "integer", nullable: false }],
            primaryKey: { columns: ["id"] },
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
          },
          c: {
            name: "c",
            columns: [{ name: "pid", type: "integer", nullable: false }],
            uniques: [],
            indexes: [],
            foreignKeys: [
              {
                name: "FK1",
                columns: ["pid"],
                referencedTable: "p",
                referencedColumns: ["id"],
                onDelete: "NO ACTION",
                onUpdate: "NO ACTION",
              },
            ],
            checks: [],
          },
        },
      },
      b: {
        tables: {
          p: {
            name: "p",
            columns: [{ name: "id", type: "integer", nullable: false }],
            primaryKey: { columns: ["id"] },
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
          },
          c: {
            name: "c",
            columns: [{ name: "pid", type: "integer", nullable: false }],
            primaryKey: { columns: ["pid"] },
            uniques: [],
            indexes: [],
            foreignKeys: [
              {
                name: "FK1",
                columns: ["pid"],
                referencedTable: "p",
                referencedColumns: ["id"],
                onDelete: "NO ACTION",
                onUpdate: "NO ACTION",
              },
            ],
            checks: [],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [
        { from: "p", to: "p", columns: [{ from: "id", to: "id" }] },
        { from: "c", to: "c", columns: [{ from: "pid", to: "pid" }] },
      ],
    },
  },
  {
    why: 'MariaDB: a quote inside a name in a check ("it\'s") was read, and rendered, as a string literal',
    pair: {
      a: {
        tables: {
          t: {
            name: "t",
            columns: [{ name: "it's", type: "integer", nullable: true }],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [{ name: "CHK1", expression: '"it\'s" IS NOT NULL' }],
          },
        },
      },
      b: {
        tables: {
          t: {
            name: "t",
            columns: [{ name: "it's", type: "integer", nullable: true }],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: [],
          },
        },
      },
      renames: { tables: [], columns: [] },
      dropTables: [],
      survivors: [{ from: "t", to: "t", columns: [{ from: "it's", to: "it's" }] }],
    },
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
];

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
