/** What every command handler shares: global options, output, exit codes. */
import { UsageError, type ExitCodeValue } from "../errors";
import { createOutput, reportError, type Output } from "./output";

export interface GlobalArgs {
  dataSource?: string;
  json: boolean;
  quiet?: boolean;
  /** --connect-timeout, in seconds. */
  connectTimeout?: number;
}

/** Where the project is and how to reach its database, for the commands that connect. */
export function projectArgs(args: GlobalArgs): { dataSource?: string; connectTimeoutMs?: number } {
  const seconds = args.connectTimeout;
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 0)) {
    throw new UsageError("--connect-timeout takes a number of seconds, e.g. --connect-timeout 30 (0 waits forever).");
  }
  return { dataSource: args.dataSource, connectTimeoutMs: seconds === undefined ? undefined : Math.round(seconds * 1000) };
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
