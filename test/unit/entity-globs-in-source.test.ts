/**
 * The entity globs a DataSource file's text names (config/entity-globs-in-source.ts),
 * read before it runs so that a cold cache's entity files start transpiling
 * early: the usual shapes are read, as TypeORM would resolve them, and
 * anything else is left out (the globs the loaded DataSource really holds
 * are transpiled afterwards either way).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { entityGlobsInSource } from "../../src/config/entity-globs-in-source";

const dir = resolve("/project/src");
const cwd = resolve("/project");
const slashed = (path: string) => path.replace(/\\/g, "/");

test("reads string globs (from the working directory) and __dirname ones (from the DataSource's directory)", () => {
  const source = `export default new DataSource({
    type: "postgres",
    entities: [
      "src/entities/*.ts",
      '/abs/**/*.entity.ts',
      __dirname + "/models/*.ts",
      \`\${__dirname}/views/*.ts\`,
      join(__dirname, "a", "*.ts"),
      path.resolve(__dirname, '../b/*.ts'),
    ],
    "subscribers": ["src/subscribers/*.ts"],
    migrations: ["src/migrations/*.ts"],
  });`;
  assert.deepEqual(
    entityGlobsInSource(source, dir, cwd),
    [
      join(cwd, "src/entities/*.ts"),
      resolve("/abs/**/*.entity.ts"),
      `${dir}/models/*.ts`,
      `${dir}/views/*.ts`,
      join(dir, "a", "*.ts"),
      resolve(dir, "../b/*.ts"),
      join(cwd, "src/subscribers/*.ts"),
    ].map(slashed),
  );
});

test("leaves out classes, expressions it cannot read, and a migrations array", () => {
  const source = `const base = "src";
  export const a = new DataSource({ entities: [User, base + "/x/*.ts", \`\${root}/y/*.ts\`, ...more, process.env.GLOB!, join(__dirname, dir)], migrations: ["m/*.ts"] });
  export const b = new DataSource({ entities: entities, subscribers: [] });`;
  assert.deepEqual(entityGlobsInSource(source, dir, cwd), []);
});

test("keeps reading past brackets and commas inside an element, and gives up on an array that never ends", () => {
  assert.deepEqual(entityGlobsInSource(`({ entities: [pick([A, B], "x,y"), "e/[ab]*.ts"] })`, dir, cwd), [
    slashed(join(cwd, "e/[ab]*.ts")),
  ]);
  assert.deepEqual(entityGlobsInSource(`({ entities: ["e/*.ts", `, dir, cwd), []);
});
