/**
 * One way to teach require() a name it cannot find: Node's own resolution
 * runs first, and only when it fails with MODULE_NOT_FOUND are the
 * `candidates` for the request tried, in order. The first that resolves
 * wins; when none does, Node's original error is the one reported. Used by
 * esm-resolution.ts (`./user.js` naming user.ts) and path-aliases.ts
 * (tsconfig `paths`, `baseUrl`, `rootDirs`); each installs its own layer once.
 */
import Module from "node:module";

/** The requests to try instead of `request` (from the module `parent`); none to give up. */
export type Candidates = (request: string, parent: { filename?: unknown } | undefined) => readonly string[];

export function addResolutionFallback(candidates: Candidates): void {
  const internal = Module as unknown as {
    _resolveFilename(request: string, parent: any, isMain: boolean, options?: unknown): string;
  };
  const original = internal._resolveFilename;
  internal._resolveFilename = function resolveFilename(request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== "MODULE_NOT_FOUND") throw error;
      for (const candidate of candidates(request, parent)) {
        try {
          return original.call(this, candidate, parent, isMain, options);
        } catch {
          // the next candidate; the original error is the one to report
        }
      }
      throw error;
    }
  };
}
