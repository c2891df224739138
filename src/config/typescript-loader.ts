/**
 * Lets Node require the user's TypeScript (DataSource, entities, migrations)
 * the way TypeORM's CLI does, but without type-checking: ts-node in
 * transpile-only mode. Decorator metadata is still emitted, because TypeORM
 * infers column types from it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

let registered = false;

export function registerTypeScript(projectDir: string): void {
  if (registered) return;
  registered = true;
  // A process that already transpiles TypeScript (ts-node, a test runner
  // started with --require ts-node/register) must not get a second hook.
  if ((process as any)[Symbol.for("ts-node.register.instance")]) return;
  const tsconfig = join(projectDir, "tsconfig.json");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tsNode = require("ts-node") as typeof import("ts-node");
  tsNode.register({
    transpileOnly: true,
    project: existsSync(tsconfig) ? tsconfig : undefined,
    skipProject: !existsSync(tsconfig),
    compilerOptions: {
      module: "commonjs",
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  });
}
