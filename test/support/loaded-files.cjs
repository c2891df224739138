// Preloaded into the CLI by tests (NODE_OPTIONS=--require …): when the
// process exits, appends every file it required from under
// ATHANOR_TEST_LOADED_UNDER (a project directory) to the file named by
// ATHANOR_TEST_LOADED_LOG, one per line. Proves which of the project's files
// a command loads.
const { appendFileSync } = require("node:fs");

process.on("exit", () => {
  const under = process.env.ATHANOR_TEST_LOADED_UNDER;
  const files = Object.keys(require.cache).filter((file) => file.startsWith(under) && !file.includes("node_modules"));
  appendFileSync(process.env.ATHANOR_TEST_LOADED_LOG, files.map((file) => file + "\n").join(""));
});
