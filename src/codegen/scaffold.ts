/**
 * The files `athanor init` writes: a DataSource that reads DATABASE_URL
 * (SQLite in data/app.sqlite when it is unset) and loads every entity in
 * entities/ and every migration in migrations/, in the project's language
 * and module syntax; and a tsconfig.json for TypeScript projects that have
 * none, with what TypeORM's decorators need.
 */
import type { SourceFlavour } from "./source-flavour";

const HEADER = [
  "/**",
  " * The TypeORM DataSource, read by Athanor (and by TypeORM's own CLI).",
  " * SQLite in data/app.sqlite by default; set DATABASE_URL=postgres://user:password@host:5432/app",
  " * to use PostgreSQL, or mysql://… / mariadb://… for MySQL or MariaDB (npm install mysql2).",
  " * Credentials come only from the environment.",
  " */",
];

/** `sqliteType`: "sqlite" (the sqlite3 package, TypeORM 0.3) or "better-sqlite3" (TypeORM 1.x, or 0.3). */
export function dataSourceFileText(flavour: SourceFlavour, sqliteType: "sqlite" | "better-sqlite3" = "sqlite"): string {
  const ts = flavour.language === "ts";
  const esm = flavour.module === "esm";
  const ext = ts ? "ts" : "js";
  const imports = esm
    ? [
        ...(ts ? [`import "reflect-metadata";`] : []),
        `import { dirname, join } from "node:path";`,
        `import { fileURLToPath } from "node:url";`,
        `import { DataSource } from "typeorm";`,
        "",
        "const here = dirname(fileURLToPath(import.meta.url));",
      ]
    : ts
      ? [
          `import "reflect-metadata";`,
          `import { join } from "node:path";`,
          `import { DataSource } from "typeorm";`,
          "",
          "const here = __dirname;",
        ]
      : [`const { join } = require("node:path");`, `const { DataSource } = require("typeorm");`, "", "const here = __dirname;"];
  const exported = esm || ts ? "export default" : "module.exports =";
  return [
    ...HEADER,
    ...imports,
    "",
    "// Every entity in entities/, every migration in migrations/.",
    `const entities = [join(here, "entities", "*.${ext}")];`,
    `const migrations = [join(here, "migrations", "*.${ext}")];`,
    "const url = process.env.DATABASE_URL;",
    "// The URL's scheme names the database: mysql:// and mariadb:// are TypeORM's drivers of those names.",
    `const type = url?.startsWith("mariadb://") ? "mariadb" : url?.startsWith("mysql://") ? "mysql" : "postgres";`,
    "",
    `${exported} url`,
    `  ? new DataSource({ type, url, entities, migrations })`,
    `  : new DataSource({ type: "${sqliteType}", database: join(here, "data", "app.sqlite"), entities, migrations });`,
    "",
  ].join("\n");
}

export function tsconfigText(flavour: SourceFlavour): string {
  const module = flavour.module === "esm" ? { module: "NodeNext", moduleResolution: "NodeNext" } : { module: "commonjs" };
  return (
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          ...module,
          strict: true,
          // TypeORM's decorators, and the column types it reads from their metadata.
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          strictPropertyInitialization: false,
          esModuleInterop: true,
          skipLibCheck: true,
        },
      },
      null,
      2,
    ) + "\n"
  );
}
