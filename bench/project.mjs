// Synthetic projects for the benchmark: N entity files of ~12 columns of
// mixed types, a unique, a single and a composite index, and a foreign key to
// the previous entity, plus the ormconfig.ts / tsconfig.json a TypeORM user
// would have. The same project serves Athanor's CLI and TypeORM's.
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

export const repoRoot = join(new URL(".", import.meta.url).pathname, "..");

/** The tsconfig.json a TypeORM project needs (decorators and their metadata). */
export const TSCONFIG = {
  compilerOptions: {
    target: "ES2021",
    module: "commonjs",
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    strictPropertyInitialization: false,
    esModuleInterop: true,
    skipLibCheck: true,
  },
};

/** ormconfig.ts; `entities` and `migrations` are TypeScript expressions (the TypeScript sources by default). */
export function ormconfig(dialect, { entities = `["entities/*.ts"]`, migrations = `["migrations/*.ts"]` } = {}) {
  const options =
    dialect === "sqlite" ? `type: "sqlite", database: "data/app.sqlite"` : `type: "${dialect}", url: process.env.DATABASE_URL`;
  return `import "reflect-metadata";
import { DataSource } from "typeorm";

export default new DataSource({
  ${options},
  entities: ${entities},
  migrations: ${migrations},
});
`;
}

const className = (i) => `Bench${String(i).padStart(4, "0")}`;
const tableName = (i) => `bench_${String(i).padStart(4, "0")}`;

export function entitySource(dialect, i) {
  const name = className(i);
  const pg = dialect === "postgres";
  const parent = i > 0 ? className(Math.floor(i / 2)) : undefined; // shallow import chains whatever the load order
  const imports = ["Column", "CreateDateColumn", "Entity", "Index", "PrimaryGeneratedColumn", "UpdateDateColumn"];
  if (parent) imports.push("JoinColumn", "ManyToOne");
  // MariaDB has enums, not arrays.
  const status =
    pg || dialect === "mariadb"
      ? `@Column({ type: "enum", enum: ["draft", "live", "archived"], default: "draft" })`
      : `@Column({ type: "simple-enum", enum: ["draft", "live", "archived"], default: "draft" })`;
  const tags = pg
    ? `@Column({ type: "int", array: true, nullable: true })\n  tags: number[] | null;`
    : `@Column({ type: "simple-array", nullable: true })\n  tags: string[] | null;`;
  return `import { ${imports.sort().join(", ")} } from "typeorm";
${parent ? `import { ${parent} } from "./${parent}";\n` : ""}
@Entity("${tableName(i)}")
@Index(["quantity", "active"])
export class ${name} {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 64, unique: true })
  code: string;

  @Index()
  @Column({ type: "varchar", length: 200 })
  title: string;

  @Column({ type: "text", nullable: true })
  body: string | null;

  @Column({ type: "integer", default: 0 })
  quantity: number;

  @Column({ type: "decimal", precision: 10, scale: 2, default: 0 })
  price: string;

  @Column({ type: "real", nullable: true })
  ratio: number | null;

  @Column({ default: true })
  active: boolean;

  @Column()
  publishedAt: Date;

  ${status}
  status: string;

  ${tags}

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
${
  parent
    ? `
  @Column({ type: "integer", nullable: true })
  parentId: number | null;

  @ManyToOne(() => ${parent}, { nullable: true, onDelete: "SET NULL" })
  @JoinColumn({ name: "parentId" })
  parent: ${parent} | null;
`
    : ""
}}
`;
}

/** A project directory with N entities; node_modules links to this checkout's. */
export function writeProject(dir, { dialect, n }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "entities"), { recursive: true });
  mkdirSync(join(dir, "migrations"));
  mkdirSync(join(dir, "data"));
  linkNodeModules(dir);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  writeFileSync(join(dir, "ormconfig.ts"), ormconfig(dialect));
  for (let i = 0; i < n; i++) writeFileSync(join(dir, "entities", `${className(i)}.ts`), entitySource(dialect, i));
}

/** Empty migrations/ (and athanor.sum) and the SQLite file, for a new round. */
export function resetProject(dir) {
  rmSync(join(dir, "migrations"), { recursive: true, force: true });
  mkdirSync(join(dir, "migrations"));
  rmSync(join(dir, "data"), { recursive: true, force: true });
  mkdirSync(join(dir, "data"));
}

function linkNodeModules(dir) {
  const target = join(dir, "node_modules");
  mkdirSync(target);
  const source = join(repoRoot, "node_modules");
  for (const entry of readdirSync(source)) {
    if (entry.startsWith(".")) continue;
    symlinkSync(join(source, entry), join(target, entry));
  }
  if (!existsSync(join(target, "athanor"))) symlinkSync(repoRoot, join(target, "athanor"));
}
