import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import { Athanor } from "../athanor";
import type { DiagramFormat } from "../commands/diagram";
import { ExitCode } from "../errors";
import { action, projectArgs, type GlobalArgs } from "./action";

interface DiagramArgs {
  format: DiagramFormat;
  database?: boolean;
  pending?: boolean;
  out?: string;
}

export const diagramCommand: CommandModule<GlobalArgs, DiagramArgs & GlobalArgs> = {
  command: "diagram",
  describe: "Draw the entities (or the live schema) as an entity-relationship diagram: Mermaid text or an HTML page",
  builder: (y) =>
    y
      .option("format", {
        choices: ["mermaid", "html"] as const,
        default: "mermaid" as DiagramFormat,
        describe: "mermaid: erDiagram text (renders on GitHub); html: a self-contained page with an SVG drawing",
      })
      .option("database", { type: "boolean", describe: "Draw the live schema instead of the entities" })
      .option("pending", {
        type: "boolean",
        describe: "Draw the live schema after the pending migrations, colouring what they add, change and drop",
      })
      .option("out", { type: "string", describe: "Write to this file instead of stdout" })
      .example("$0 diagram", "the entities as a Mermaid erDiagram, for a ```mermaid block")
      .example("$0 diagram --format html --pending --out schema.html", "what the pending migrations will change, as a page") as any,
  handler: action<DiagramArgs>(async (args, out) => {
    const result = await new Athanor(projectArgs(args)).diagram({ format: args.format, database: args.database, pending: args.pending });
    if (args.out) {
      writeFileSync(resolve(args.out), result.text);
      out.result({ ...result, text: undefined, out: args.out });
      out.line(`Wrote ${args.out}: ${result.tables.length} table${result.tables.length === 1 ? "" : "s"} (${result.source}).`);
    } else if (args.json) {
      out.result(result);
    } else {
      process.stdout.write(result.text);
    }
    return ExitCode.ok;
  }),
};
