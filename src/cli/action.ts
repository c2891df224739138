/** What every command handler shares: global options, output, exit codes. */
import type { ExitCodeValue } from "../errors";
import { createOutput, reportError, type Output } from "./output";

export interface GlobalArgs {
  dataSource?: string;
  json: boolean;
  quiet?: boolean;
}

export type Handler<A> = (args: A & GlobalArgs, out: Output) => Promise<ExitCodeValue>;

/** Wrap a command handler: print its result or its error, set the exit code. */
export function action<A>(handler: Handler<A>) {
  return async (args: A & GlobalArgs) => {
    const out = createOutput({ json: Boolean(args.json), quiet: Boolean(args.quiet) });
    try {
      process.exitCode = await handler(args, out);
    } catch (error) {
      out.clearProgress();
      process.exitCode = reportError(error, Boolean(args.json));
    }
  };
}

