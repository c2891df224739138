// Preloaded into the CLI by tests (NODE_OPTIONS=--require …): when the
// process exits, appends every CommonJS file Node actually loaded (ran) to
// the file named by ATHANOR_TEST_MODULES_LOG, one per line. Unlike the keys
// of require.cache, it leaves out a module the cache only holds a stand-in
// for (loader/typeorm-deferred-modules.ts).
const { appendFileSync } = require("node:fs");
const Module = require("node:module");

const loaded = [];
const load = Module.prototype.load;
Module.prototype.load = function (filename) {
  loaded.push(filename);
  return load.apply(this, arguments);
};
process.on("exit", () => {
  appendFileSync(process.env.ATHANOR_TEST_MODULES_LOG, loaded.map((file) => file + "\n").join(""));
});
