/**
 * The files an entity glob matches, as glob's `globSync(pattern, {
 * absolute: true, nodir: true })` gives them. The pattern DataSources
 * almost always use, a directory and `*.ts` (`entities/*.ts`), is answered
 * by one listing of the directory: glob walking it cost a cold `generate`
 * ≈ 10 ms per call, and a run asks up to four times (transpiling ahead,
 * loading, the entity model's digest). Everything else is glob's.
 *
 * The listing's answer is glob's for such a pattern: names that do not start
 * with a dot (`*` matches none of those) and end in the pattern's suffix,
 * regular files only. A directory entry of another kind (a symlink, which
 * glob would follow to decide) sends the whole pattern to glob, and so do
 * macOS and Windows, where glob ignores case by default.
 */
import { readdirSync } from "node:fs";
import { posix, sep } from "node:path";
import { globSync } from "glob";

/** Characters that make a path part a pattern, for glob (minimatch's magic and its escapes). */
const MAGIC = /[*?[\]{}()!+@\\]/;

/** Absolute paths of the files (not directories) `pattern`, an absolute glob with forward slashes, matches; unsorted. */
export function globFiles(pattern: string): string[] {
  return fromListing(pattern) ?? globSync(pattern, { absolute: true, nodir: true });
}

/** The answer for `<directory>/*<suffix>` from the directory's listing; undefined for any other pattern or entry. */
function fromListing(pattern: string): string[] | undefined {
  if (sep !== "/" || process.platform === "darwin" || !pattern.startsWith("/")) return undefined;
  const at = pattern.lastIndexOf("/");
  const directory = pattern.slice(0, at) || "/";
  const leaf = pattern.slice(at + 1);
  if (!leaf.startsWith("*") || MAGIC.test(leaf.slice(1)) || MAGIC.test(directory) || posix.normalize(directory) !== directory) {
    return undefined;
  }
  const suffix = leaf.slice(1);
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    // No such directory, or a file: glob matches nothing there either.
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? [] : undefined;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const name = entry.name;
    if (name.startsWith(".") || !name.endsWith(suffix)) continue;
    if (entry.isFile()) files.push(directory === "/" ? `/${name}` : `${directory}/${name}`);
    else if (!entry.isDirectory()) return undefined;
  }
  return files;
}
