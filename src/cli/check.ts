import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";

export const checkCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "check",
  describe: "Exit 1 when migrations are pending or the entities and the database differ (a CI gate); changes nothing",
  builder: (y) =>
    y
      .example("$0 check", "fail CI unless the database is migrated and matches the entities")
      .example("$0 check --json", "the pending migrations and differences as JSON") as any,
  handler: action<object>(async (args, out) => {
    const result = await new Athanor(projectArgs(args)).check();
    out.result(result);
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    for (const table of result.unmappedTables) {
      out.line(`note: table ${table} is in the database but no entity maps it; left alone.`);
    }
    if (result.inSync) {
      out.line(`In sync: ${result.target} has every migration applied and matches the entities.`);
      return ExitCode.ok;
    }
    if (result.pending.length > 0) {
      out.line(`${plural(result.pending.length, "migration")} pending on ${result.target}:`);
      for (const name of result.pending) out.line(`  - ${name}`);
    }
    if (result.differences.length > 0) {
      out.line(`The entities and ${result.target} differ (${plural(result.differences.length, "operation")}):`);
      for (const difference of result.differences) out.line(`  - ${difference}`);
      for (const f of result.findings) out.line(`${f.code} ${f.severity}: ${f.message}`);
      for (const warning of result.warnings) out.line(`${out.style.yellow("WARNING:")} ${warning}`);
    }
    out.line(
      result.pending.length > 0
        ? "Apply the pending migrations with `athanor run`, then check again."
        : "Write a migration for the differences with `athanor generate`.",
    );
    return ExitCode.report;
  }),
};
