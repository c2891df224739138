// TypeORM's CLI as a project that builds before it migrates runs it: the
// bench's entities and a DataSource compiled to JavaScript with tsc
// (emitDecoratorMetadata on, as TypeORM needs) once, outside any timing, then
// TypeORM's plain JavaScript CLI (node_modules/typeorm/cli.js) with
// `-d dist/ormconfig.js`. Migrations are generated as JavaScript (`-o`) so
// that `migration:run` needs no TypeScript either.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ormconfig, repoRoot, TSCONFIG, writeProject } from "./project.mjs";

export const TYPEORM_JS_CLI = join(repoRoot, "node_modules", "typeorm", "cli.js");

/** The bench project, compiled: dist/ormconfig.js and dist/entities/*.js. */
export function writePrecompiledProject(dir, { dialect, n }) {
  writeProject(dir, { dialect, n });
  // Entities next to the compiled DataSource; migrations (JavaScript) from the project directory.
  writeFileSync(
    join(dir, "ormconfig.ts"),
    ormconfig(dialect, { entities: `[__dirname + "/entities/*.js"]`, migrations: `["migrations/*.js"]` }),
  );
  const tsconfig = {
    compilerOptions: { ...TSCONFIG.compilerOptions, outDir: "dist", rootDir: "." },
    include: ["ormconfig.ts", "entities/*.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
    cwd: dir,
    stdio: ["ignore", "inherit", "inherit"],
  });
}

const DS = ["-d", "dist/ormconfig.js"];

/** Each step's arguments to TYPEORM_JS_CLI and how to tell it did what it should. */
export const TYPEORM_JS_STEPS = {
  "generate (empty db)": { args: ["migration:generate", ...DS, "-o", "migrations/Init"], ok: (r) => r.code === 0 },
  run: { args: ["migration:run", ...DS], ok: (r) => r.code === 0 },
  // TypeORM exits 1 when it finds nothing to generate.
  "no-op generate": {
    args: ["migration:generate", ...DS, "-o", "migrations/Noop"],
    ok: (r) => /No changes in database schema/.test(r.stdout),
  },
};
