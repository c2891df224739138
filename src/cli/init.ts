import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";

interface InitArgs {
  js: boolean;
}

export const initCommand: CommandModule<GlobalArgs, InitArgs & GlobalArgs> = {
  command: "init",
  describe: "Set up Athanor in this project: ormconfig, entities/, migrations/ and the migration:* npm scripts",
  builder: (y) =>
    y
      .option("js", { type: "boolean", default: false, describe: "Plain JavaScript: ormconfig.js, and migrations written as .js" })
      .example("$0 init", 'TypeScript (ES modules when package.json has "type": "module")')
      .example("$0 init --js", "JavaScript: entities as TypeORM EntitySchema objects")
      .epilogue(
        "Overwrites nothing: refuses (exit 2) when an ormconfig file exists, and keeps existing npm scripts of the same names.",
      ) as any,
  handler: action<InitArgs>(async (args, out) => {
    const result = await new Athanor().init({ language: args.js ? "js" : "ts" });
    out.result(result);
    const kind = `${result.language === "ts" ? "TypeScript" : "JavaScript"}, ${result.module === "esm" ? "ES modules" : "CommonJS"}`;
    out.line(`Set up Athanor (${kind}):`);
    for (const path of result.created) out.line(`  created ${path}`);
    if (result.packageJson === "updated") out.line(`  added npm scripts to package.json: ${result.scriptsAdded.join(", ")}`);
    if (result.packageJson === "created") out.line(`  (package.json has the npm scripts: ${result.scriptsAdded.join(", ")})`);
    for (const name of result.scriptsKept) out.line(`note: package.json already has a "${name}" script; left it as it is.`);
    out.line("");
    out.line("Next:");
    if (result.missingDependencies.length > 0) out.line(`  npm install ${result.missingDependencies.join(" ")}`);
    out.line(`  add an entity to entities/ (see the README), then:`);
    out.line(`  npm run migration:generate -- Init && npm run migration:run`);
    return ExitCode.ok;
  }),
};
