/**
 * What went wrong when requiring one of the project's own files (the
 * DataSource, an entity, a migration), reduced to something a sentence can
 * hold: the TypeScript diagnostic of a syntax error, or the message of what
 * was thrown and the project file (and line) that threw it. The full error
 * only ever appears with ATHANOR_DEBUG; users get no stack trace.
 */
import { isAbsolute, relative } from "node:path";
import { redact } from "../errors";

export interface LoadFailure {
  /** The reason, without a trailing period. */
  reason: string;
  /** Where, relative to the project: "entities/Bad.ts:3" or "ds.ts:2:1"; undefined when unknown. */
  at?: string;
}

export function describeLoadFailure(error: unknown, cwd: string): LoadFailure {
  const e = error as { diagnosticText?: unknown; message?: unknown; stack?: unknown } | undefined;
  // ts-node's TSError: the message is only "⨯ Unable to compile TypeScript:";
  // the useful part is the first diagnostic, "file.ts(2,1): error TS1005: '}' expected."
  if (typeof e?.diagnosticText === "string") {
    const first = e.diagnosticText.split("\n").find((line) => line.trim() !== "") ?? "";
    const match = /^(.*)\((\d+),(\d+)\): (.*)$/.exec(first.trim());
    if (match) return { reason: tidy(match[4]), at: `${shown(match[1], cwd)}:${match[2]}:${match[3]}` };
    return { reason: tidy(first) };
  }
  const message = typeof e?.message === "string" ? e.message : String(error);
  const stack = typeof e?.stack === "string" ? e.stack : "";
  // A JavaScript SyntaxError's stack starts with "/path/file.js:3", not with a frame.
  const syntaxAt = error instanceof SyntaxError ? /^(\/[^\n]+):(\d+)\n/.exec(stack) : null;
  if (syntaxAt) return { reason: tidy(message), at: `${shown(syntaxAt[1], cwd)}:${syntaxAt[2]}` };
  return { reason: tidy(message), at: thrower(stack, cwd) };
}

/** The file to fix: the one that threw, else the one being loaded. */
export function fileToFix(failure: LoadFailure, loaded: string): string {
  return failure.at ? failure.at.replace(/(:\d+)+$/, "") : loaded;
}

/** "reason (at file:line)" — the clause most messages embed. */
export function formatLoadFailure(failure: LoadFailure): string {
  return failure.at ? `${failure.reason} (at ${failure.at})` : failure.reason;
}

/** The first stack frame in the project's own files (not node_modules): who threw. */
function thrower(stack: string, cwd: string): string | undefined {
  for (const line of stack.split("\n")) {
    const frame = /^\s+at (?:.*\()?(\/[^()]+?):(\d+):\d+\)?$/.exec(line);
    if (!frame) continue;
    const file = frame[1];
    if (file.includes("/node_modules/")) continue;
    const rel = relative(cwd, file);
    if (rel.startsWith("..") || isAbsolute(rel)) continue;
    return `${rel}:${frame[2]}`;
  }
  return undefined;
}

function shown(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel.startsWith("..") ? file : rel;
}

/** First line, no trailing period (the caller's sentence goes on), no credentials. */
function tidy(message: string): string {
  return redact(
    message
      .split("\n")[0]
      .trim()
      .replace(/[.\s]+$/, ""),
  );
}
