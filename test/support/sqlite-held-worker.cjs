// Preloaded into the CLI by tests (NODE_OPTIONS=--require …), with
// UV_THREADPOOL_SIZE=1: just before node sqlite3 is handed a statement whose
// text contains ATHANOR_TEST_HOLD_WORKER_FOR, libuv's one worker thread is
// given other work (a key derivation of about ATHANOR_TEST_HOLD_WORKER_MS),
// so the statement is sent but waits that long before SQLite starts it: the
// moment in which node sqlite3's interrupt() does nothing. Prints
// "worker held" to stderr as it does.
const Module = require("node:module");
const crypto = require("node:crypto");

const marker = process.env.ATHANOR_TEST_HOLD_WORKER_FOR;
const holdMs = Number(process.env.ATHANOR_TEST_HOLD_WORKER_MS ?? 2000);

/** Iterations of PBKDF2 that take about `ms` here (measured on a small run). */
function iterationsFor(ms) {
  const sample = 20000;
  const started = performance.now();
  crypto.pbkdf2Sync("athanor", "test", sample, 64, "sha512");
  return Math.ceil((sample * ms) / Math.max(performance.now() - started, 0.1));
}

function wrap(prototype, method) {
  const original = prototype[method];
  prototype[method] = function (sql, ...rest) {
    if (typeof sql === "string" && sql.includes(marker)) {
      crypto.pbkdf2("athanor", "test", iterationsFor(holdMs), 64, "sha512", () => undefined);
      process.stderr.write("worker held\n");
    }
    return original.call(this, sql, ...rest);
  };
}

const load = Module._load;
Module._load = function (request) {
  const exports = load.apply(this, arguments);
  const Database = exports && exports.Database;
  if (marker && request === "sqlite3" && Database && !Database.prototype.athanorTestHeld) {
    Database.prototype.athanorTestHeld = true;
    for (const method of ["all", "run", "exec", "get", "each"]) wrap(Database.prototype, method);
  }
  return exports;
};
