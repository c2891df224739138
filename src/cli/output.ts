/**
 * Printing: human lines on stdout, errors on stderr, or one JSON document
 * with --json. Commands never print; they return results to this module.
 *
 * Output fits a terminal and CI alike: colour only where it will be read as
 * colour (see `colorEnabled`), a live "applying …" line only on a terminal
 * (a CI log gets just the finished lines), and `--quiet` for scripts.
 */
import { AthanorError, ExitCode, redact, type ExitCodeValue } from "../errors";

export interface Style {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export interface Output {
  json: boolean;
  /** --quiet: nothing but errors (and the data asked for with --json or --sql). */
  quiet: boolean;
  /** Colours for stdout; every function returns its text unchanged when colour is off. */
  style: Style;
  /** A line for people (suppressed with --json and --quiet). */
  line(text?: string): void;
  /**
   * A status line that the next output replaces ("applying X…"): shown only
   * on a terminal, so logs and pipes get the finished lines alone.
   */
  progress(text: string): void;
  /** Remove a progress line still on screen (before an error is printed). */
  clearProgress(): void;
  /** The machine-readable result (printed only with --json). */
  result(value: unknown): void;
}

export interface OutputOptions {
  json: boolean;
  quiet?: boolean;
}

/**
 * Whether to colour what goes to `stream`: FORCE_COLOR decides when set
 * ("0" or "false" turns colour off), then NO_COLOR (https://no-color.org:
 * any non-empty value) turns it off, otherwise colour only on a terminal
 * that is not TERM=dumb.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  if (env.NO_COLOR) return false;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export function createStyle(enabled: boolean): Style {
  const sgr = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

export function createOutput(options: OutputOptions | boolean): Output {
  const { json, quiet = false } = typeof options === "boolean" ? { json: options } : options;
  const stdout = process.stdout;
  const live = Boolean(stdout.isTTY) && !json && !quiet;
  let progressShown = false;
  const clearProgress = () => {
    if (!progressShown) return;
    stdout.write("\r\x1b[K");
    progressShown = false;
  };
  return {
    json,
    quiet,
    style: createStyle(colorEnabled(stdout)),
    line(text = "") {
      if (json || quiet) return;
      clearProgress();
      writeLine(text + "\n");
    },
    progress(text) {
      if (!live) return;
      clearProgress();
      // Never wider than the terminal, or the carriage return cannot erase it.
      const width = stdout.columns || 80;
      stdout.write(text.length < width ? text : text.slice(0, width - 2) + "…");
      progressShown = true;
    },
    clearProgress,
    result(value) {
      if (json) stdout.write(JSON.stringify(value, null, 2) + "\n");
    },
  };
}

/** Lines waiting for the end of the event loop's turn (see deferLines). */
let pendingLines = "";
let flushTurn: NodeJS.Immediate | undefined;
/** stdout's own write, where lines are deferred. */
let writeNow: ((text: string) => void) | undefined;

function writeLine(text: string): void {
  if (!writeNow) {
    process.stdout.write(text);
    return;
  }
  pendingLines += text;
  flushTurn ??= setImmediate(flushLines);
}

/** Write the lines still waiting, now. */
export function flushLines(): void {
  if (flushTurn) clearImmediate(flushTurn);
  flushTurn = undefined;
  if (pendingLines === "") return;
  const text = pendingLines;
  pendingLines = "";
  writeNow!(text);
}

/**
 * Lines for people (`Output.line`) are written at the end of the event
 * loop's turn instead of at once: `run` reports a migration once its COMMIT
 * returned, on the way to sending the next migration's statement, so its
 * line is written while the server works on that statement instead of
 * before it is sent; the lines of a SQLite commit group, reported together
 * at its commit, go in one write. The order of everything the process
 * writes stays as it was: any other write to stdout or stderr (a progress
 * line, an error, the signal notice, a migration's own console.log) writes
 * the waiting lines first, and so does the process's exit.
 */
export function deferLines(): void {
  if (writeNow) return;
  const stdout = process.stdout;
  const own = stdout.write;
  writeNow = (text) => {
    own.call(stdout, text);
  };
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, ...args: unknown[]) {
      flushLines();
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof stream.write;
  }
  process.on("exit", flushLines);
}

/**
 * Keep going when a reader goes away (`athanor run | head -1`): writing to
 * a pipe whose reader has closed fails with EPIPE, which Node raises as an
 * 'error' event on the stream, and unhandled that ends the process with a
 * stack trace — in the middle of a migration, between two statements of one
 * outside a transaction. Output only reports the database work and is never
 * a reason to stop it: once a stream has failed, what is written to it is
 * dropped, the command finishes, and its exit code says what happened.
 */
export function keepGoingWhenOutputCloses(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) stream.on("error", () => undefined);
}

/** Print an error as a sentence (never a stack trace) and return its exit code. */
export function reportError(error: unknown, json: boolean): ExitCodeValue {
  const label = createStyle(colorEnabled(process.stderr)).red("error:");
  if (error instanceof AthanorError) {
    if (json) {
      process.stdout.write(
        JSON.stringify({ error: { message: error.message, details: error.details, exitCode: error.exitCode } }, null, 2) + "\n",
      );
    }
    process.stderr.write(`${label} ${error.message}\n`);
    for (const detail of error.details) process.stderr.write(`  ${detail}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${label} ${redact(message)}\nThis is a bug in Athanor; set ATHANOR_DEBUG=1 for the stack trace and report it.\n`);
  if (process.env.ATHANOR_DEBUG && error instanceof Error && error.stack) {
    process.stderr.write(redact(error.stack) + "\n");
  }
  return ExitCode.database;
}
