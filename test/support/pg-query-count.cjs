// Preloaded into the CLI by tests (NODE_OPTIONS=--require …): counts the
// queries the process sends through node-postgres (Client#query, every
// connection) and, when it exits, writes the count to the file named by
// ATHANOR_TEST_PG_QUERIES. The pg copy patched is the one the project
// resolves, as the CLI loads it.
const { writeFileSync } = require("node:fs");

let count = 0;
function resolvePg() {
  try {
    return require.resolve("pg", { paths: [process.cwd()] });
  } catch {
    return require.resolve("pg");
  }
}
const pgMain = resolvePg();
const Module = require("node:module");
const load = Module._load;
Module._load = function (...args) {
  const exported = load.apply(this, args);
  const pg = Module._cache[pgMain];
  if (pg && pg.loaded && pg.exports.Client && !pg.exports.Client.prototype.query.__counted) {
    const query = pg.exports.Client.prototype.query;
    const counted = function (...queryArgs) {
      count++;
      return query.apply(this, queryArgs);
    };
    counted.__counted = true;
    pg.exports.Client.prototype.query = counted;
  }
  return exported;
};

process.on("exit", () => writeFileSync(process.env.ATHANOR_TEST_PG_QUERIES, String(count)));
