import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import type { VerifyStep } from "../commands/verify";
import { ExitCode } from "../errors";
import { action, type GlobalArgs } from "./action";
import { withStopSignals } from "./stop-signals";
import type { Output } from "./output";

export const verifyCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "verify",
  describe:
    "On a scratch database, run every migration up, then down (each must restore the schema), then up again, and compare head with the entities",
  builder: (y) =>
    y
      .example("$0 verify", "exit 1 when a down leaves a trace or the migrations do not build the entities' schema")
      .epilogue(
        "The configured database is never migrated: SQLite uses a temporary file; PostgreSQL and MySQL/MariaDB a temporary database created on the same server (the user needs CREATEDB, or on MySQL/MariaDB the CREATE and DROP privileges on athanor\\_verify\\_% databases) and dropped afterwards, also when Ctrl-C stops verify.",
      ) as any,
  handler: action<object>(async (args, out) => {
    const result = await withStopSignals(
      (signal) =>
        new Athanor({ dataSource: args.dataSource }).verify({
          onStart: (scratch, count) => out.line(`Verifying ${count} migration${count === 1 ? "" : "s"} on a scratch database: ${scratch}.`),
          onStep: (step) => printStep(out, step),
          signal,
        }),
      "cancelling the statement in flight and dropping the scratch database",
    );
    out.result(result);
    for (const table of result.unmappedTables) {
      out.line(`note: the migrations create table ${table}, which no entity maps.`);
    }
    for (const note of result.notes) out.line(`note: ${note}`);
    if (!result.ok) {
      out.line(`Verification failed at ${failedAt(result.failure!)}: fix it and run athanor verify again.`);
      return ExitCode.report;
    }
    out.line("Verified: every migration applies and reverts without a trace, and head matches the entities.");
    return ExitCode.ok;
  }),
};

const LABEL: Record<VerifyStep["phase"], string> = {
  up: "up      ",
  down: "down    ",
  reapply: "up again",
  entities: "entities",
};

/** One line per step as it happens; a failure is followed by what went wrong. */
function printStep(out: Output, step: VerifyStep): void {
  const what = step.name ?? (step.phase === "reapply" ? "every migration: same head schema" : "head matches the entities");
  if (step.ok) {
    out.line(`  ok    ${LABEL[step.phase]}  ${step.phase === "down" ? `${what}: schema restored` : what}`);
    return;
  }
  const subject = step.name ?? (step.phase === "reapply" ? "every migration" : "head");
  out.line(`  FAIL  ${LABEL[step.phase]}  ${subject}`);
  const [headline, ...items] = step.problems;
  if (headline) out.line(`        ${headline}`);
  for (const item of items) out.line(`          - ${item}`);
}

function failedAt(step: VerifyStep): string {
  switch (step.phase) {
    case "up":
    case "down":
      return `the ${step.phase} of ${step.name}`;
    case "reapply":
      return step.name ? `the second up of ${step.name}` : "the second run of every migration";
    case "entities":
      return "the comparison of head with the entities";
  }
}
