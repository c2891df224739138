import { test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { definitionsFor } from "../test/corpus";
import { TestProject } from "../test/support/project";
test("timing", async () => {
  const p = await TestProject.create("sqlite");
  for (const d of definitionsFor("sqlite")) p.writeEntity(`${d.file}.ts`, readFileSync(join(__dirname, "../test/corpus/definitions", d.file + ".ts"), "utf8"));
  for (const args of [["generate", "Corpus"], ["run"], ["generate", "--check"], ["revert"], ["run"], ["status"]]) {
    const t = Date.now(); const r = await p.cli(args); console.log(args.join(" "), r.code, Date.now() - t, "ms");
  }
  await p.cleanup();
});
