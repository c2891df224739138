/**
 * The SQLite drivers this checkout compiled, offered to `npm install` in a
 * temporary project as prebuilt binaries. Both drivers install through
 * prebuild-install, which first looks for `<name>-v<version>-<runtime>-v<abi>-
 * <platform><libc>-<arch>.tar.gz` in its `local-prebuilds` directory, then
 * downloads that file from the driver's GitHub releases, and compiles from
 * source only when both fail (minutes on 2 cores: what made `npm install
 * sqlite3` take 3 minutes). Offering the binary of the same version, built
 * on this machine for this Node, makes a registry install of that version
 * unpack it as it would unpack the download, and a newer version (or
 * another Node) still install correctly, only slower.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./project";

/** The Node module inside build/Release each driver loads (the only file its prebuilt tarballs hold). */
const BINARY: Record<string, string> = {
  "better-sqlite3": "better_sqlite3.node",
  sqlite3: "node_sqlite3.node",
};

/**
 * Write the tarballs of `drivers` (as this checkout's node_modules holds
 * them) to `<dir>/prebuilt/` and a `.prebuild-installrc` in `dir` that points
 * prebuild-install there: it reads that file in any directory above the one
 * it installs into, so every project created under `dir` gets them and
 * none holds a file a user's project would not. Returns each driver's version.
 */
export function offerCompiledDrivers(dir: string, drivers: string[]): Record<string, string> {
  const prebuilt = join(dir, "prebuilt");
  mkdirSync(prebuilt, { recursive: true });
  const versions: Record<string, string> = {};
  for (const name of drivers) {
    const packageDir = join(repoRoot, "node_modules", name);
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    const binary = join("build", "Release", BINARY[name]);
    if (!existsSync(join(packageDir, binary))) throw new Error(`${name} in node_modules has no ${binary}: run npm install.`);
    const tar = spawnSync("tar", ["-czf", join(prebuilt, tarballName(name, manifest)), "-C", packageDir, binary], { encoding: "utf8" });
    if (tar.status !== 0) throw new Error(`tar failed for ${name}: ${tar.stderr}`);
    versions[name] = manifest.version;
  }
  writeFileSync(join(dir, ".prebuild-installrc"), `local-prebuilds=${prebuilt}\n`);
  return versions;
}

/** The file name prebuild-install 7 looks for (its util.js urlTemplate and rc.js). */
function tarballName(name: string, manifest: { version: string; binary?: { napi_versions?: number[] } }): string {
  // sqlite3 installs with `prebuild-install -r napi`: the newest N-API version it was built for that this Node has.
  const napi = manifest.binary?.napi_versions;
  const runtime = napi ? "napi" : "node";
  const abi = napi ? Math.max(...napi.filter((v) => v <= Number(process.versions.napi))) : process.versions.modules;
  const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
  const libc = process.platform === "linux" && !glibc ? "musl" : "";
  return `${name}-v${manifest.version}-${runtime}-v${abi}-${process.platform}${libc}-${process.arch}.tar.gz`;
}
