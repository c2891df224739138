/**
 * TypeORM builds each entity's metadata by asking its MetadataArgsStorage for
 * the decorator arguments (columns, relations, indices, …) whose target is the
 * entity or one of its parents; every question scans every argument of every
 * entity (`array.filter(item => target.indexOf(item.target) !== -1)`), so
 * building N entities costs N² — most of a no-op generate at N = 1000.
 *
 * `indexMetadataArgs` answers the same questions from a map of the storage's
 * arrays keyed by target, built once per array: each wrapped method is
 * TypeORM's own, called on only the arguments whose target matches, in their
 * original order — the only ones it would have kept — so what it returns is
 * unchanged (deduplication, parent overrides and all). Methods are wrapped on
 * the storage object itself, for the duration of a build, and only where the
 * storage has the shape this was written against (TypeORM 0.3 and 1.x);
 * anything else is left to TypeORM's scan.
 */

/** TypeORM's helpers `(array, target) → the items of array whose target is target (or in it)`. */
const TARGET_FILTERS = [
  "filterByTarget",
  "filterByTargetAndWithoutDuplicateProperties",
  "filterByTargetAndWithoutDuplicateRelationProperties",
  "filterByTargetAndWithoutDuplicateEmbeddedProperties",
] as const;

/** Public methods `(target, …) → items of this.<array> whose target is target (or in it)`, written inline. */
const INLINE_FILTERS: Record<string, string> = {
  filterIndices: "indices",
  filterForeignKeys: "foreignKeys",
  filterUniques: "uniques",
  filterChecks: "checks",
  filterExclusions: "exclusions",
  findGenerated: "generations",
  findTree: "trees",
  findInheritanceType: "inheritances",
  findDiscriminatorValue: "discriminatorValues",
  findJoinTable: "joinTables",
  filterJoinColumns: "joinColumns",
};

type Item = { target?: unknown };
type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

interface ArrayIndex {
  length: number;
  last: unknown;
  /** Positions in the array, ascending, of the items with each target. */
  positions: Map<unknown, number[]>;
}

/**
 * Make `storage` (TypeORM's MetadataArgsStorage) answer its by-target
 * questions from an index; returns the function that puts it back as it was.
 * A storage of another shape is left alone (the returned function does nothing).
 */
export function indexMetadataArgs(storage: unknown): () => void {
  if (!storage || typeof storage !== "object") return () => undefined;
  const object = storage as Record<string | symbol, unknown>;
  // Builds that overlap (two DataSources initializing at once) share one
  // installation; the last to finish puts the storage back.
  const active = object[ACTIVE] as { users: number; restore(): void } | undefined;
  if (active) {
    active.users++;
    return once(() => active.users-- === 1 && active.restore());
  }
  const restore = install(object);
  const installed = {
    users: 1,
    restore() {
      delete object[ACTIVE];
      restore();
    },
  };
  object[ACTIVE] = installed;
  return once(() => installed.users-- === 1 && installed.restore());
}

const ACTIVE = Symbol("athanor: metadata args indexed");

function once(body: () => unknown): () => void {
  let done = false;
  return () => {
    if (!done) body();
    done = true;
  };
}

function install(object: Record<string | symbol, unknown>): () => void {
  const wrapped: Record<string, AnyMethod> = {};

  for (const name of TARGET_FILTERS) {
    const original = object[name];
    if (!filtersByTarget(original)) continue;
    wrapped[name] = function (this: unknown, array: unknown, target: unknown, ...rest: unknown[]) {
      if (!Array.isArray(array)) return original.call(this, array, target, ...rest);
      return original.call(this, itemsFor(array, target), target, ...rest);
    };
  }
  for (const [name, arrayName] of Object.entries(INLINE_FILTERS)) {
    const original = object[name];
    if (!filtersByTarget(original) || !String(original).includes(`this.${arrayName}`) || !Array.isArray(object[arrayName])) continue;
    // TypeORM's own method, reading a view of the storage whose array holds
    // only the items it would have kept. One view, reused: these methods are
    // synchronous and never call themselves.
    const view: Record<string, unknown> = Object.create(object);
    wrapped[name] = function (this: unknown, target: unknown, ...rest: unknown[]) {
      const array = (this as Record<string, unknown>)[arrayName];
      if (this !== object || !Array.isArray(array)) return original.call(this, target, ...rest);
      view[arrayName] = itemsFor(array, target);
      try {
        return original.call(view, target, ...rest);
      } finally {
        view[arrayName] = undefined;
      }
    };
  }

  const indexes = new WeakMap<unknown[], ArrayIndex>();
  function itemsFor(array: unknown[], target: unknown): unknown[] {
    let index = indexes.get(array);
    // Decorators only push; a changed length or last item means new arguments.
    if (!index || index.length !== array.length || index.last !== array[array.length - 1]) {
      index = indexArray(array);
      indexes.set(array, index);
    }
    if (!Array.isArray(target)) return (index.positions.get(target) ?? []).map((position) => array[position]);
    const lists: number[][] = [];
    for (const each of new Set(target)) {
      const positions = index.positions.get(each);
      if (positions) lists.push(positions);
    }
    if (lists.length === 0) return [];
    const positions = lists.length === 1 ? lists[0] : lists.flat().sort((a, b) => a - b);
    return positions.map((position) => array[position]);
  }

  const names = Object.keys(wrapped);
  const ownBefore = new Map(names.filter((name) => Object.prototype.hasOwnProperty.call(object, name)).map((name) => [name, object[name]]));
  for (const name of names) object[name] = wrapped[name];
  return () => {
    for (const name of names) {
      if (ownBefore.has(name)) object[name] = ownBefore.get(name);
      else delete object[name];
    }
  };
}

function indexArray(array: unknown[]): ArrayIndex {
  const positions = new Map<unknown, number[]>();
  array.forEach((item, position) => {
    const target = item && typeof item === "object" ? (item as Item).target : undefined;
    const list = positions.get(target);
    if (list) list.push(position);
    else positions.set(target, [position]);
  });
  return { length: array.length, last: array[array.length - 1], positions };
}

/** A function whose source compares items' `.target` — what every method wrapped here does today. */
function filtersByTarget(value: unknown): value is AnyMethod {
  return typeof value === "function" && String(value).includes(".target");
}

/**
 * Index TypeORM's global MetadataArgsStorage (where decorators put their
 * arguments) each time `dataSource` builds its entity metadata, and put the
 * storage back afterwards: the storage is shared with whatever else the
 * process does with TypeORM.
 */
export function indexArgsWhileBuilding(dataSource: unknown): void {
  const ds = dataSource as { buildMetadatas?: ((...args: unknown[]) => Promise<unknown>) & { [INDEXING]?: true } };
  const build = ds.buildMetadatas;
  // A DataSource opened again (programmatic API) is wrapped once.
  if (typeof build !== "function" || build[INDEXING]) return;
  ds.buildMetadatas = Object.assign(
    async function (this: unknown, ...args: unknown[]) {
      const restore = indexMetadataArgs((globalThis as { typeormMetadataArgsStorage?: unknown }).typeormMetadataArgsStorage);
      try {
        return await build.apply(this, args);
      } finally {
        restore();
      }
    },
    { [INDEXING]: true as const },
  );
}

const INDEXING = Symbol("athanor: indexes metadata args while building");
