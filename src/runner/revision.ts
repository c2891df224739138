/**
 * Naming a revision: its timestamp, class name, file name (with or without
 * extension), a unique prefix of any of those, or `head` / `base`.
 */
import { basename } from "node:path";
import { UsageError } from "../errors";
import type { MigrationState } from "./plan";

export type Revision = { kind: "head" } | { kind: "base" } | { kind: "migration"; state: MigrationState };

export function resolveRevision(query: string, states: MigrationState[]): Revision {
  const wanted = query.trim();
  if (wanted === "head") return { kind: "head" };
  if (wanted === "base") return { kind: "base" };

  const namesOf = (state: MigrationState): string[] => {
    const names = [state.name, String(state.timestamp)];
    if (state.source?.file) {
      const file = basename(state.source.file);
      names.push(file, file.replace(/\.[^.]+$/, ""));
    }
    return names;
  };

  const exact = states.filter((s) => namesOf(s).includes(wanted));
  if (exact.length === 1) return { kind: "migration", state: exact[0] };
  const prefixed = exact.length > 1 ? exact : states.filter((s) => namesOf(s).some((n) => n.startsWith(wanted)));
  if (prefixed.length === 1) return { kind: "migration", state: prefixed[0] };

  if (prefixed.length === 0) {
    const known = states.map((s) => s.name);
    throw new UsageError(
      `No migration matches "${wanted}": name one by timestamp, class name, file name or a unique prefix${
        known.length ? ` (known: ${known.join(", ")})` : " (there are no migrations yet)"
      }, or use head or base.`,
    );
  }
  throw new UsageError(
    `"${wanted}" matches ${prefixed.length} migrations (${prefixed.map((s) => s.name).join(", ")}): give a longer prefix.`,
  );
}
