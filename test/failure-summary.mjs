// The failed tests of a run, from its TAP report, in a few lines each: which
// test (its suites' names and its own), where, and the error's first lines.
// Printed at the end of `npm test` (and of .ci/run), so the failure is found
// without scrolling through thousands of passing tests, or in a log of which
// only the end is kept.

/** How many of an error's lines are shown per failed test. */
const ERROR_LINES = 12;

/**
 * Leaf failures only: a suite that failed because a test in it did
 * (failureType 'subtestsFailed') is the path, not the failure. Empty when
 * nothing failed.
 */
export function failureSummary(tap) {
  const lines = tap.split("\n");
  const names = []; // names[depth] = the subtest most recently announced at that depth
  const failures = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const depth = subtest[1].length / 4;
      names.length = depth;
      names[depth] = subtest[2];
      continue;
    }
    const failed = /^(\s*)not ok \d+ - (.*?)(?: # .*)?$/.exec(line);
    if (!failed) continue;
    const indent = failed[1];
    const depth = indent.length / 4;
    const block = [];
    if (lines[i + 1]?.trim() === "---") {
      for (i += 2; i < lines.length && lines[i] !== `${indent}  ...`; i++) block.push(lines[i].slice(indent.length + 2));
    }
    const field = (name) => block.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
    if (field("failureType") === "'subtestsFailed'") continue;
    failures.push({
      path: [...names.slice(0, depth), failed[2]].join(" › "),
      location: unquote(field("location")),
      error: errorText(block),
      failureType: unquote(field("failureType")),
    });
  }
  if (failures.length === 0) return "";
  const out = [`# ${failures.length} failed test${failures.length === 1 ? "" : "s"}:`];
  failures.forEach((f, n) => {
    out.push(
      `#  ${n + 1}) ${f.path}${f.location ? ` (${f.location})` : ""}${f.failureType && f.failureType !== "testCodeFailure" ? ` [${f.failureType}]` : ""}`,
    );
    for (const l of f.error) out.push(`#       ${l}`);
  });
  return `${out.join("\n")}\n`;
}

function unquote(value) {
  return value?.replace(/^'(.*)'$/, "$1").replace(/''/g, "'");
}

/** The `error:` field, a one-line value or a `|-` block, cut to ERROR_LINES. */
function errorText(block) {
  const at = block.findIndex((l) => l.startsWith("error: "));
  if (at === -1) return [];
  const value = block[at].slice("error: ".length);
  let text;
  if (value === "|-" || value === "|") {
    text = [];
    for (let j = at + 1; j < block.length && (block[j].startsWith("  ") || block[j] === ""); j++) text.push(block[j].slice(2));
  } else text = [unquote(value)];
  while (text.length && text[text.length - 1].trim() === "") text.pop();
  return text.length > ERROR_LINES ? [...text.slice(0, ERROR_LINES), `… (${text.length - ERROR_LINES} more lines)`] : text;
}
