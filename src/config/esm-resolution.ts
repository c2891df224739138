/**
 * ESM TypeScript names the JavaScript a file will become: `import { User }
 * from "./user.js"` where the source is user.ts (TypeScript's NodeNext
 * convention; `.mjs` for .mts, `.cjs` for .cts). Once Athanor's loader has
 * transpiled such a file to CommonJS, require() looks for user.js, which
 * does not exist. This retries a relative `.js`/`.mjs`/`.cjs` request that
 * was not found with the TypeScript extensions, as TypeScript itself does.
 */
import Module from "node:module";

const TYPESCRIPT_FOR: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

let installed = false;

export function registerTypeScriptSpecifiers(): void {
  if (installed) return;
  installed = true;
  const internal = Module as unknown as {
    _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  };
  const original = internal._resolveFilename;
  internal._resolveFilename = function resolveFilename(request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (error) {
      const extension = /\.[mc]?js$/.exec(request)?.[0];
      const relative = request.startsWith("./") || request.startsWith("../");
      if (!extension || !relative || (error as NodeJS.ErrnoException)?.code !== "MODULE_NOT_FOUND") throw error;
      const stem = request.slice(0, -extension.length);
      for (const replacement of TYPESCRIPT_FOR[extension]) {
        try {
          return original.call(this, stem + replacement, parent, isMain, options);
        } catch {
          // try the next one; the original error is the one to report
        }
      }
      throw error;
    }
  };
}
