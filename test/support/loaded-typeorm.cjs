// Preloaded into the CLI by tests (NODE_OPTIONS=--require …): when the
// process exits, appends the package root of every `typeorm` copy it loaded
// to the file named by ATHANOR_TEST_TYPEORM_LOG, one per line. Proves that
// Athanor uses the project's TypeORM rather than a copy of its own.
const { appendFileSync } = require("node:fs");

process.on("exit", () => {
  const roots = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = /^(.*[\\/]node_modules[\\/]typeorm)[\\/]/.exec(file);
    if (match) roots.add(match[1]);
  }
  appendFileSync(process.env.ATHANOR_TEST_TYPEORM_LOG, [...roots].map((root) => root + "\n").join(""));
});
