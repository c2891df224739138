/**
 * `pg` decides, as it loads, whether it runs in a Cloudflare Worker: it looks
 * at `navigator.userAgent` and, where there is no `navigator` (Node before
 * 21), constructs a `Response`. On Node 20 that first touch of `Response`
 * loads Node's whole fetch implementation (undici), a fifth of what requiring
 * pg costs, for an answer that is always "no" here.
 *
 * So the module that asks is loaded first with a `navigator` saying Node.js,
 * which is removed again at once; pg caches the answer and loads from there
 * on as usual. Where pg is not installed, or `navigator` exists, nothing
 * happens.
 */
export function answerPgRuntimeProbe(cwd: string): void {
  const global = globalThis as { navigator?: unknown };
  if (typeof global.navigator !== "undefined") return;
  let file: string;
  try {
    file = require.resolve("pg/lib/stream", { paths: [cwd] });
  } catch {
    return;
  }
  global.navigator = { userAgent: `Node.js/${process.version}` };
  try {
    require(file);
  } catch {
    // pg itself will report whatever is wrong when it is really loaded.
  } finally {
    delete global.navigator;
  }
}
