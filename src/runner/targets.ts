/**
 * Revision targets: what `run`, `revert` (online and `--sql`) and `history`
 * were asked to cover — `--from`, `--to`, `--step`, a range `A:B`, `base`,
 * `head`, `current` — turned into the ordered list of migrations to work on.
 *
 * Every command plans the same way: a starting point (what is taken as
 * applied, in the order it was applied) and a target. Online the starting
 * point is the bookkeeping table; offline (`--sql`) nothing is read, so it is
 * assumed: the migrations up to `--from`, applied in file order, as `run`
 * would have applied them. From there
 * - up applies the pending migrations in timestamp order, through the target;
 * - down undoes the applied ones in the reverse of the order they were
 *   applied, down to (not including) the one to keep. A migration applied out
 *   of order (`run --allow-out-of-order`) was applied onto the schema the
 *   newer ones left, so its down() is undone first.
 *
 * Naming one revision (timestamp, name, file, prefix) is `revision.ts`.
 */
import { UsageError } from "../errors";
import { unfinishedRevert } from "./partial";
import type { MigrationState, Plan } from "./plan";
import { resolveRevision, type Revision } from "./revision";

/** Where a run or revert stops: `--to` and `--step`, never both. */
export interface StopOptions {
  to?: string;
  step?: number;
}

/** --to and --step together (the CLI asks before anything is loaded; the API here). */
export function refuseToAndStep(options: StopOptions): void {
  if (options.to !== undefined && options.step !== undefined) {
    throw new UsageError("--to and --step both say where to stop: give one of them, not both.");
  }
}

/** The applied migrations in the order they were applied: by bookkeeping id, oldest first. */
export function appliedOrder(plan: Plan): MigrationState[] {
  return [...plan.applied].sort((a, b) => (a.applied!.id ?? 0) - (b.applied!.id ?? 0) || a.timestamp - b.timestamp);
}

/** Applied migrations, most recently applied first: the order to revert them. */
export function revertOrder(plan: Plan): MigrationState[] {
  return appliedOrder(plan).reverse();
}

// ---------------------------------------------------------------------------
// The two walks every command shares.

/** Whether `a` comes after `b` in file order (timestamp, then name: the order of `planMigrations`). */
function isAfter(a: MigrationState, b: MigrationState): boolean {
  return (a.timestamp - b.timestamp || a.name.localeCompare(b.name)) > 0;
}

/** Pending migrations in timestamp order up to and including `through` (all without it), at most `step`. */
function walkUp(pending: MigrationState[], through: MigrationState | undefined, step: number | undefined): MigrationState[] {
  const selected = through ? pending.filter((s) => !isAfter(s, through)) : pending;
  return step === undefined ? selected : selected.slice(0, step);
}

/**
 * `order` (most recently applied first) undone down to, not including,
 * `keep` (undefined: base, everything), at most `step`: what was applied
 * after `keep` — by the order of applying, not by timestamp.
 */
function walkDown(order: MigrationState[], keep: MigrationState | undefined, step: number | undefined): MigrationState[] {
  const selected = keep ? order.slice(0, order.indexOf(keep)) : order;
  return step === undefined ? selected : selected.slice(0, step);
}

// ---------------------------------------------------------------------------
// Online: the database says what is applied.

/** `athanor run`: the pending migrations to apply, in order. */
export function planRun(plan: Plan, options: StopOptions): MigrationState[] {
  let through: MigrationState | undefined;
  if (options.to) {
    const revision = resolveRevision(options.to, plan.states);
    if (revision.kind === "base") {
      throw new UsageError("`run --to base` would apply nothing: use `athanor revert --to base` to undo everything.");
    }
    if (revision.kind === "migration") {
      if (revision.state.applied) {
        throw new UsageError(`${revision.state.name} is already applied: nothing to run up to it.`);
      }
      through = revision.state;
    }
  }
  const selected = walkUp(plan.pending, through, options.step);
  const halfReverted = selected.find((s) => s.partial?.reverted);
  if (halfReverted) throw unfinishedRevert(halfReverted.name, halfReverted.partial!);
  return selected;
}

export interface RevertPlan {
  /** The migrations to undo, in the order to undo them. */
  steps: MigrationState[];
  /** Every applied migration, most recently applied first. */
  applied: MigrationState[];
}

/**
 * `athanor revert`: the applied migrations to undo (default: the most
 * recently applied one). A partly applied migration (runner/partial.ts) was
 * the last one a run worked on: its applied part is undone first.
 */
export function planRevert(plan: Plan, options: StopOptions): RevertPlan {
  const partlyApplied = plan.pending.filter((s) => s.partial && s.source);
  const order = [...partlyApplied, ...revertOrder(plan)];
  if (order.length === 0) throw new UsageError("Nothing to revert: no migration is applied.");
  refuseToAndStep(options);
  if (!options.to) return { steps: walkDown(order, undefined, options.step ?? 1), applied: order };
  const revision = resolveRevision(options.to, plan.states);
  if (revision.kind === "head") return { steps: [], applied: order };
  if (revision.kind === "base") return { steps: order, applied: order };
  if (!revision.state.applied) {
    throw new UsageError(`${revision.state.name} is not applied: revert --to names an applied migration to keep.`);
  }
  return { steps: walkDown(order, revision.state, undefined), applied: order };
}

// ---------------------------------------------------------------------------
// Offline (`--sql`): nothing is read, the starting point is assumed.

export interface ScriptBounds extends StopOptions {
  /** up: the last migration taken as applied (default base); down: the newest taken as applied (default head). */
  from?: string;
  /**
   * `A:B` instead of `from` and `to`, as Alembic spells it: up, after A
   * through B; down, from A down to (keeping) B. An empty side is the far
   * end: up `base` / `head`, down `head` / `base`.
   */
  range?: string;
}

export interface ScriptPlan {
  /** Migrations taken as applied before the script starts, in the order they were applied. */
  before: MigrationState[];
  /** Migrations in the script, in the order they run. */
  steps: MigrationState[];
  /** The script starts with nothing applied (and so creates the bookkeeping table). */
  fromBase: boolean;
  /** "up from base to AddUsers…", for the script's first line. */
  description: string;
}

/**
 * Positions in file order (-1: base): `top`, the newest migration taken as
 * applied; `end`, up the last one to apply, down the one to keep.
 */
interface ScriptEnds {
  top: number;
  end: number;
}

/** `run --sql`: after `from` (default base) through `to` (default head), at most `step`. */
export function planScriptUp(states: MigrationState[], bounds: ScriptBounds): ScriptPlan {
  const { top, end } = bounds.range === undefined ? upEnds(states, bounds) : rangeEnds(states, "up", bounds);
  const before = states.slice(0, top + 1);
  const steps = walkUp(states.slice(top + 1), end < 0 ? undefined : states[end], bounds.step);
  const name = (i: number) => (i < 0 ? "base" : states[i].name);
  return {
    before,
    steps,
    fromBase: top < 0,
    description: `up from ${name(top)} to ${steps.length ? steps[steps.length - 1].name : name(top)}`,
  };
}

/**
 * `revert --sql`: from `from` (default head) down to, not including, `to`;
 * without `to`, `step` migrations, default one — the newest migration on disk,
 * since offline there is no database to say which one is applied last.
 */
export function planScriptDown(states: MigrationState[], bounds: ScriptBounds): ScriptPlan {
  if (states.length === 0) throw new UsageError("Nothing to revert: there are no migrations yet.");
  const { top, end: keep } = bounds.range === undefined ? downEnds(states, bounds) : rangeEnds(states, "down", bounds);
  // Taken as applied in file order, as `run` applies them: undone newest first.
  const before = states.slice(0, top + 1);
  const steps = walkDown([...before].reverse(), keep < 0 ? undefined : states[keep], undefined);
  const name = (i: number) => (i < 0 ? "base" : states[i].name);
  return { before, steps, fromBase: false, description: `down from ${name(top)} to ${name(keep)}` };
}

function upEnds(states: MigrationState[], bounds: ScriptBounds): ScriptEnds {
  const top = bounds.from ? positionOf(bounds.from, states) : -1;
  if (bounds.to && resolveOffline(bounds.to, states).kind === "base") {
    throw new UsageError(
      "`run --sql --to base` would apply nothing: use `athanor revert --sql --to base` for the script that undoes everything.",
    );
  }
  const end = bounds.to ? positionOf(bounds.to, states) : states.length - 1;
  if (end < top) {
    throw new UsageError(`--to ${bounds.to} is older than --from ${bounds.from}, so there is nothing to apply: name a later --to.`);
  }
  return { top, end };
}

function downEnds(states: MigrationState[], bounds: ScriptBounds): ScriptEnds {
  refuseToAndStep(bounds);
  const top = bounds.from ? positionOf(bounds.from, states) : states.length - 1;
  const keep = bounds.to ? positionOf(bounds.to, states) : Math.max(-1, top - (bounds.step ?? 1));
  if (keep > top) {
    throw new UsageError(
      `--to ${bounds.to} is newer than --from ${bounds.from ?? "head"}: --to names the migration to keep, older than the one to start from.`,
    );
  }
  return { top, end: keep };
}

/** `A:B` for `run --sql` (up) and `revert --sql` (down). */
function rangeEnds(states: MigrationState[], direction: "up" | "down", bounds: ScriptBounds): ScriptEnds {
  const text = bounds.range!;
  const examples =
    direction === "up"
      ? "run --sql base:head, run --sql 1763790000000: or run --sql :1763790000000"
      : "revert --sql head:base, revert --sql head:1763790000000 or revert --sql 1763790000000:";
  const { start, end } = parseRange(text, examples);
  refuseRangeWithBounds(text, bounds, end !== undefined);
  const last = states.length - 1;
  if (direction === "up") {
    const top = start === undefined ? -1 : positionOf(start, states);
    const through = end === undefined ? last : positionOf(end, states);
    if (through < top) throw new UsageError(startsAfterItEnds(text));
    return { top, end: through };
  }
  const top = start === undefined ? last : positionOf(start, states);
  const keep = end !== undefined ? positionOf(end, states) : bounds.step !== undefined ? Math.max(-1, top - bounds.step) : -1;
  if (keep > top) {
    throw new UsageError(
      `The range "${text}" starts below where it ends, but revert --sql goes down: put the newer revision first and the one to keep second, e.g. head:base.`,
    );
  }
  return { top, end: keep };
}

/** A range says where the script starts and ends; --from and --to would say it twice. */
function refuseRangeWithBounds(text: string, bounds: ScriptBounds, closed: boolean): void {
  const extra = [
    bounds.from !== undefined && "--from",
    bounds.to !== undefined && "--to",
    closed && bounds.step !== undefined && "--step",
  ].filter((x): x is string => typeof x === "string");
  if (extra.length === 0) return;
  const hint = extra.includes("--step") ? ", or leave the range's end open (A:) to stop after --step migrations" : "";
  throw new UsageError(`The range "${text}" already says where the script starts and ends: drop ${extra.join(" and ")}${hint}.`);
}

/** A revision offline, where `current` has no meaning: nothing says what the database applied. */
function resolveOffline(query: string, states: MigrationState[]): Revision {
  if (query.trim() === "current") {
    throw new UsageError(
      `"current" is the migration the database is at, and --sql reads no database: name that migration instead (athanor status shows it).`,
    );
  }
  return resolveRevision(query, states);
}

/** A position in file order: -1 for base, the last index for head. */
function positionOf(query: string, states: MigrationState[]): number {
  const revision = resolveOffline(query, states);
  if (revision.kind === "base") return -1;
  if (revision.kind === "head") return states.length - 1;
  return states.indexOf(revision.state);
}

// ---------------------------------------------------------------------------
// Ranges: `start:end`, either side empty.

/** The two sides of `start:end` (undefined where empty); `examples` show the command's spelling. */
export function parseRange(text: string, examples: string): { start?: string; end?: string } {
  const parts = text.split(":");
  if (parts.length !== 2) {
    throw new UsageError(`The range "${text}" is not start:end: write e.g. ${examples} (either side may be empty).`);
  }
  const [start, end] = parts.map((p) => p.trim() || undefined);
  return { start, end };
}

function startsAfterItEnds(text: string): string {
  return `The range "${text}" starts after it ends: put the older revision first.`;
}

// ---------------------------------------------------------------------------
// history -r start:end

export interface HistoryWindow {
  /** Newest first. */
  migrations: MigrationState[];
  /** The newest applied migration (by timestamp). */
  current?: MigrationState;
  /** The newest migration. */
  head?: MigrationState;
}

/** `athanor history [-r start:end]`: the migrations in the range, newest first. */
export function planHistory(plan: Plan, range: string | undefined): HistoryWindow {
  const newestFirst = [...plan.states].reverse();
  const current = newestFirst.find((s) => s.applied);
  const head = newestFirst[0];
  const [from, to] = range === undefined ? [-Infinity, Infinity] : historyInterval(range, plan.states, current);
  return { migrations: newestFirst.filter((s) => s.timestamp >= from && s.timestamp <= to), current, head };
}

/** `start:end` → an inclusive timestamp interval. */
function historyInterval(range: string, states: MigrationState[], current: MigrationState | undefined): [number, number] {
  const { start, end } = parseRange(range, "-r base:head, -r 1763790000000: or -r :current");
  const from = start === undefined ? -Infinity : boundOf(start, states, current, -Infinity);
  const to = end === undefined ? Infinity : boundOf(end, states, current, Infinity);
  if (from > to) throw new UsageError(startsAfterItEnds(range));
  return [from, to];
}

function boundOf(query: string, states: MigrationState[], current: MigrationState | undefined, open: number): number {
  if (query === "current") return current ? current.timestamp : -Infinity;
  const revision: Revision = resolveRevision(query, states);
  if (revision.kind === "migration") return revision.state.timestamp;
  // base and head are the ends of the history; either side may use them.
  if (revision.kind === "base") return -Infinity;
  return open === -Infinity ? (states.at(-1)?.timestamp ?? Infinity) : Infinity;
}
