/**
 * The interactive question `generate` asks at a terminal for each rename
 * candidate:
 *
 *   users.display_name: created, or renamed from full_name? [c/r]
 *   users.status "waiting": new value, or renamed from "pending"? [c/r]
 *
 * Answers: `c`/`created`/`new` (a new column; the old one is dropped),
 * `r`/`renamed`/`y`/`yes` (a rename, when there is one possible source), or
 * the old name itself. Anything else asks again. A source taken by one answer
 * is not offered for the next question about the same table.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { RenameCandidates, RenameDecisions } from "../diff/renames";
import { UsageError } from "../errors";
import type { ResolveRenames } from "../commands/rename-resolution";

export type RenameAnswer = { kind: "created" } | { kind: "renamed"; from: string } | { kind: "unclear" };

export function parseRenameAnswer(answer: string, sources: readonly string[]): RenameAnswer {
  const text = answer.trim();
  const word = text.toLowerCase();
  if (["c", "created", "create", "new", "n", "no"].includes(word)) return { kind: "created" };
  if (["r", "renamed", "rename", "y", "yes"].includes(word)) {
    return sources.length === 1 ? { kind: "renamed", from: sources[0] } : { kind: "unclear" };
  }
  const named = sources.find((source) => source === text) ?? sources.find((s) => s.toLowerCase() === word);
  return named ? { kind: "renamed", from: named } : { kind: "unclear" };
}

/** `users.display_name: created, or renamed from full_name? [c/r] ` */
export function renameQuestion(subject: string, sources: readonly string[]): string {
  const choices = sources.length === 1 ? "c/r" : ["c", ...sources].join("/");
  return `${subject}: created, or renamed from ${sources.join(" or ")}? [${choices}] `;
}

/** `users.status "waiting": new value, or renamed from "pending"? [c/r] ` */
export function valueRenameQuestion(table: string, column: string, value: string, sources: readonly string[]): string {
  const choices = sources.length === 1 ? "c/r" : ["c", ...sources].join("/");
  return `${table}.${column} "${value}": new value, or renamed from ${sources.map((s) => `"${s}"`).join(" or ")}? [${choices}] `;
}

/**
 * A ResolveRenames that asks on `output` and reads answers from `input`.
 * Running out of input (Ctrl-D) stops generate without writing anything.
 */
export function promptForRenames(input: Readable, output: Writable): ResolveRenames {
  return async (candidates: RenameCandidates): Promise<RenameDecisions> => {
    const lines = lineReader(input);
    try {
      const ask = async (subject: string, sources: string[], question = renameQuestion(subject, sources)): Promise<RenameAnswer> => {
        for (;;) {
          output.write(question);
          const line = await lines.next();
          if (line === undefined) {
            output.write("\n");
            throw new UsageError("No answer to the rename question, so nothing was written: answer it, or pass --rename hints.");
          }
          const answer = parseRenameAnswer(line, sources);
          if (answer.kind !== "unclear") return answer;
          output.write(
            sources.length === 1
              ? `Answer c (created: ${subject} is new) or r (renamed from ${sources[0]}, keeping its data).\n`
              : `Answer c (created) or the name it was renamed from: ${sources.join(", ")}.\n`,
          );
        }
      };

      const decisions: Required<RenameDecisions> = {
        tables: [],
        columns: [],
        values: [],
        created: { tables: [], columns: [], values: [] },
      };
      const takenTables = new Set<string>();
      for (const { to, from } of candidates.tables) {
        const sources = from.filter((f) => !takenTables.has(f));
        const answer = sources.length > 0 ? await ask(`table ${to}`, sources) : { kind: "created" as const };
        if (answer.kind === "renamed") {
          decisions.tables.push({ from: answer.from, to });
          takenTables.add(answer.from);
        } else {
          decisions.created.tables!.push(to);
        }
      }
      const takenColumns = new Set<string>();
      for (const { table, to, from } of candidates.columns) {
        const sources = from.filter((f) => !takenColumns.has(`${table}.${f}`));
        const answer = sources.length > 0 ? await ask(`${table}.${to}`, sources) : { kind: "created" as const };
        if (answer.kind === "renamed") {
          decisions.columns.push({ table, from: answer.from, to });
          takenColumns.add(`${table}.${answer.from}`);
        } else {
          decisions.created.columns!.push({ table, column: to });
        }
      }
      const takenValues = new Set<string>();
      for (const { table, column, to, from } of candidates.values) {
        const sources = from.filter((f) => !takenValues.has(`${table}.${column}\u0000${f}`));
        const subject = `${table}.${column} "${to}"`;
        const answer =
          sources.length > 0 ? await ask(subject, sources, valueRenameQuestion(table, column, to, sources)) : { kind: "created" as const };
        if (answer.kind === "renamed") {
          decisions.values.push({ table, column, from: answer.from, to });
          takenValues.add(`${table}.${column}\u0000${answer.from}`);
        } else {
          decisions.created.values!.push({ table, column, value: to });
        }
      }
      return decisions;
    } finally {
      lines.close();
    }
  };
}

/** Lines of `input` one at a time; undefined once it ends. */
function lineReader(input: Readable): { next(): Promise<string | undefined>; close(): void } {
  const rl = createInterface({ input, terminal: false });
  const buffered: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  rl.on("line", (line) => {
    const resolve = waiting.shift();
    if (resolve) resolve(line);
    else buffered.push(line);
  });
  rl.on("close", () => {
    ended = true;
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  return {
    next() {
      if (buffered.length > 0) return Promise.resolve(buffered.shift());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      rl.close();
    },
  };
}
