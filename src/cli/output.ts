/**
 * Printing: human lines on stdout, errors on stderr, or one JSON document
 * with --json. Commands never print; they return results to this module.
 */
import { AthanorError, ExitCode, redact, type ExitCodeValue } from "../errors";

export interface Output {
  json: boolean;
  /** A line for people (suppressed with --json). */
  line(text?: string): void;
  /** The machine-readable result (printed only with --json). */
  result(value: unknown): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    line(text = "") {
      if (!json) process.stdout.write(text + "\n");
    },
    result(value) {
      if (json) process.stdout.write(JSON.stringify(value, null, 2) + "\n");
    },
  };
}

/** Print an error as a sentence (never a stack trace) and return its exit code. */
export function reportError(error: unknown, json: boolean): ExitCodeValue {
  if (error instanceof AthanorError) {
    if (json) {
      process.stdout.write(
        JSON.stringify({ error: { message: error.message, details: error.details, exitCode: error.exitCode } }, null, 2) +
          "\n",
      );
    }
    process.stderr.write(`error: ${error.message}\n`);
    for (const detail of error.details) process.stderr.write(`  ${detail}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `error: ${redact(message)}\nThis is a bug in Athanor; set ATHANOR_DEBUG=1 for the stack trace and report it.\n`,
  );
  if (process.env.ATHANOR_DEBUG && error instanceof Error && error.stack) {
    process.stderr.write(redact(error.stack) + "\n");
  }
  return ExitCode.database;
}
