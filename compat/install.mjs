// `npm test`'s pretest step: installs each compat project (compat/*/, a
// package with its own lockfile, e.g. the TypeORM 1.x line) whose
// node_modules is missing or does not hold what its lockfile pins, so a
// fresh clone needs nothing beyond `npm install && npm test`. Installs
// nothing when everything is in place.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const compatDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(compatDir, "..");

for (const entry of readdirSync(compatDir, { withFileTypes: true })) {
  const dir = join(compatDir, entry.name);
  if (!entry.isDirectory() || !existsSync(join(dir, "package-lock.json"))) continue;
  const stale = staleDependency(dir);
  if (!stale) continue;
  const shown = relative(repoRoot, dir);
  process.stdout.write(`${shown}: ${stale}; running npm ci --prefix ${shown}\n`);
  const result = spawnSync("npm", ["ci", "--prefix", dir, "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`Installing ${shown} failed: run \`npm ci --prefix ${shown}\` and read its output.\n`);
    process.exit(result.status ?? 1);
  }
}

/** Why `dir` needs an install (a direct dependency missing or at another version), or undefined. */
function staleDependency(dir) {
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
  const direct = Object.keys(lock.packages[""].dependencies ?? {});
  for (const name of direct) {
    const pinned = lock.packages[`node_modules/${name}`]?.version;
    const manifest = join(dir, "node_modules", name, "package.json");
    if (!existsSync(manifest)) return `${name} is not installed`;
    const installed = JSON.parse(readFileSync(manifest, "utf8")).version;
    if (installed !== pinned) return `${name} ${installed} is installed, the lockfile pins ${pinned}`;
  }
  return undefined;
}
