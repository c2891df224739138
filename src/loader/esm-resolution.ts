/**
 * ESM TypeScript names the JavaScript a file will become: `import { User }
 * from "./user.js"` where the source is user.ts (TypeScript's NodeNext
 * convention; `.mjs` for .mts, `.cjs` for .cts). Once Athanor's loader has
 * transpiled such a file to CommonJS, require() looks for user.js, which
 * does not exist. This retries a relative `.js`/`.mjs`/`.cjs` request that
 * was not found with the TypeScript extensions, as TypeScript itself does.
 */
import { addResolutionFallback } from "./resolve-fallback";

/** The TypeScript extensions a JavaScript extension stands for. */
export const TYPESCRIPT_FOR: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

let installed = false;

export function registerTypeScriptSpecifiers(): void {
  if (installed) return;
  installed = true;
  addResolutionFallback((request) => {
    const extension = /\.[mc]?js$/.exec(request)?.[0];
    const relative = request.startsWith("./") || request.startsWith("../");
    if (!extension || !relative) return [];
    const stem = request.slice(0, -extension.length);
    return TYPESCRIPT_FOR[extension].map((replacement) => stem + replacement);
  });
}
