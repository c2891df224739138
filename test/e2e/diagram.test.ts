/**
 * `athanor diagram` (#20 §3): the example app's entities as Mermaid text
 * (connecting to nothing), and as an HTML page loaded by a real browser —
 * Debian's headless Chromium — in which every table is in the rendered DOM
 * and a screenshot is taken; `--database` and `--pending` on SQLite and
 * PostgreSQL, with what a pending migration adds, changes and drops marked.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIALECTS, TestProject } from "../support/project";

const CHROMIUM = "/usr/bin/chromium";
const EXAMPLE_TABLES = ["game_sessions", "leaderboard_entries", "leaderboards", "refresh_tokens", "users"];

/** Run headless Chromium on a page with its own throw-away profile; no network, no sandbox (CI runs as root). */
function chromium(args: string[]): { stdout: string; stderr: string; status: number | null } {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: the diagram's browser test needs Debian's chromium package (apt-get install -y chromium); .ci/run installs it.`,
  );
  const profile = mkdtempSync(join(tmpdir(), "athanor-chromium-"));
  try {
    const result = spawnSync(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { encoding: "utf8", timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return { stdout: result.stdout ?? "", stderr: result.stderr ?? "", status: result.status };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe("diagram of the example app's entities", () => {
  let project: TestProject;
  before(async () => {
    project = await TestProject.create("sqlite");
    project.useExampleEntities();
  });
  after(() => project.cleanup());

  test("--format mermaid: an erDiagram with every table, its keys and the foreign keys; nothing connected", async () => {
    const result = await project.ok(["diagram", "--format", "mermaid"]);
    const text = result.stdout;
    assert.match(text, /^erDiagram\n/);
    for (const table of EXAMPLE_TABLES) assert.match(text, new RegExp(`^  ${table} \\{$`, "m"), table);
    assert.match(text, /^ {4}integer id PK$/m);
    assert.match(text, /^ {4}varchar email UK "\(255\) NOT NULL"$/m);
    assert.match(text, /^ {4}integer user_id FK "NOT NULL"$/m);
    assert.match(text, /^ {4}varchar full_name "\(255\)"$/m);
    assert.match(text, /^ {2}users \|\|--o\{ refresh_tokens : "user_id"$/m);
    assert.match(text, /^ {2}leaderboards \|\|--o\{ leaderboard_entries : "leaderboard_id"$/m);
    assert.equal(existsSync(join(project.dir, "data", "app.sqlite")), false, "drawing the entities opened the database");
  });

  test("--format html: headless Chromium renders every table and column, and a screenshot of it", async () => {
    const page = join(project.dir, "schema.html");
    const written = await project.ok(["diagram", "--format", "html", "--out", "schema.html"]);
    assert.match(written.stdout, /Wrote schema\.html: 5 tables \(entities\)\./);
    const html = readFileSync(page, "utf8");
    assert.doesNotMatch(html, /(src|href)=["']?https?:/, "the page fetches nothing");

    const dom = chromium(["--dump-dom", `file://${page}`]);
    assert.equal(dom.status, 0, dom.stderr);
    for (const table of EXAMPLE_TABLES) assert.match(dom.stdout, new RegExp(`<g class="table" data-table="${table}"`), table);
    assert.match(dom.stdout, /data-column="hashed_password"/);
    assert.equal((dom.stdout.match(/<g class="fk"/g) ?? []).length, 2);

    const png = join(project.dir, "schema.png");
    const shot = chromium([`--screenshot=${png}`, "--window-size=1400,1000", `file://${page}`]);
    assert.equal(shot.status, 0, shot.stderr);
    assert.ok(existsSync(png), `no screenshot: ${shot.stderr}`);
    const bytes = readFileSync(png);
    assert.equal(bytes.subarray(1, 4).toString(), "PNG");
    assert.equal(bytes.readUInt32BE(16), 1400, "width");
    assert.equal(bytes.readUInt32BE(20), 1000, "height");
    // A blank 1400×1000 page compresses to a few kilobytes; five tables of text do not.
    assert.ok(statSync(png).size > 30_000, `the screenshot is ${statSync(png).size} bytes: nothing drawn?`);
  });

  test("E265: --format other than mermaid or html is a usage error", async () => {
    const result = await project.cli(["diagram", "--format", "png"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /error: --format "png" is not a valid value: use one of mermaid, html\./);
  });
});

for (const dialect of DIALECTS) {
  describe(`diagram --database and --pending (${dialect})`, () => {
    let project: TestProject;
    before(async () => {
      project = await TestProject.create(dialect);
      project.useExampleEntities();
      await project.ok(["generate", "Initial"]);
      await project.ok(["run"]);
      // Pending: a new table, a column dropped, a column changed.
      project.writeEntity(
        "Badge.ts",
        `import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { User } from "./User";
@Entity({ name: "badges" })
export class Badge {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) label: string;
  @ManyToOne(() => User, { nullable: false }) user: User;
}
`,
      );
      const user = join(project.dir, "entities", "User.ts");
      writeFileSync(
        user,
        readFileSync(user, "utf8").replace(/\n\s*@Column\(\{ name: "full_name"[^\n]*\n\s*fullName: string \| null;\n/, "\n"),
      );
      const session = join(project.dir, "entities", "GameSession.ts");
      writeFileSync(session, readFileSync(session, "utf8").replace(/length: 50/, "length: 80"));
      await project.ok(["generate", "Badges", "--no-interactive"]);
    });
    after(() => project.cleanup());

    test("--database draws the live schema: the applied tables, not the pending one", async () => {
      const result = await project.ok(["diagram", "--database"]);
      for (const table of EXAMPLE_TABLES) assert.match(result.stdout, new RegExp(`^  ${table} \\{$`, "m"));
      assert.doesNotMatch(result.stdout, /badges/);
      assert.match(result.stdout, /full_name/);
    });

    test("--pending marks what the pending migration adds, changes and drops (mermaid and html)", async () => {
      const mermaid = await project.ok(["diagram", "--pending"]);
      assert.match(mermaid.stdout, /^ {2}%% badges: added by the pending migrations$/m);
      assert.match(mermaid.stdout, /^ {4}varchar full_name "\(255\) DROPPED: varchar\(255\)"$/m);
      assert.match(mermaid.stdout, /^ {4}varchar username "\(80\) NOT NULL CHANGED: varchar\(50\) → varchar\(80\)"$/m);
      assert.match(mermaid.stdout, /^ {2}users \|\|--o\{ badges : "userId \(added\)"$/m);

      const html = await project.ok(["diagram", "--pending", "--format", "html", "--out", "pending.html"]);
      assert.match(html.stdout, /Wrote pending\.html: 6 tables \(pending\)\./);
      const page = readFileSync(join(project.dir, "pending.html"), "utf8");
      assert.match(page, /<g class="table added" data-table="badges"/);
      assert.match(page, /<g class="table changed" data-table="users"/);
      assert.match(page, /<g class="column dropped" data-column="full_name">/);
      assert.match(page, /<g class="column changed" data-column="username">/);
      assert.match(page, /class="legend"/);
    });
  });
}
