// Preloaded into the CLI by tests (NODE_OPTIONS=--require …): appends every
// directory the process lists with the callback fs.readdir (how
// loader/dead-runs.ts looks through /dev/shm) to the file named by
// ATHANOR_TEST_LISTED_LOG, one per line, as it is asked. What this very
// process did, whatever other processes on the machine do meanwhile.
const fs = require("node:fs");

const readdir = fs.readdir;
fs.readdir = function (path, ...rest) {
  fs.appendFileSync(process.env.ATHANOR_TEST_LISTED_LOG, String(path) + "\n");
  return readdir.call(this, path, ...rest);
};
