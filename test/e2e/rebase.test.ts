/**
 * `athanor rebase`: two branches each add a migration; after the merge the
 * one applied first on this database makes the other out of order. Rebase
 * renames the pending one to run next (file, class, name), re-writes
 * athanor.sum and verifies the line on a scratch database; run, revert and
 * run again need no flag. An applied migration is never renamed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TestProject } from "../support/project";

const entity = (cls: string, table: string) => `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
@Entity({ name: "${table}" })
export class ${cls} {
  @PrimaryGeneratedColumn()
  id: number;
  @Column({ type: "varchar", length: 20 })
  title: string;
}
`;

describe("athanor rebase after two branches added migrations", () => {
  test("merge, rebase, then run/revert/run need no flag; dry-run changes nothing; an applied migration is refused (E220)", async () => {
    const project = await TestProject.create("sqlite");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], {
        cwd: project.dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    try {
      writeFileSync(join(project.dir, ".gitignore"), "node_modules\ndata\n");
      writeFileSync(join(project.dir, "entities", ".gitkeep"), "");
      await project.ok(["create", "Initial"]);
      await project.ok(["run"]);
      git("init", "-q", "-b", "main");
      git("add", "-A");
      git("commit", "-q", "-m", "initial");

      // Branch A adds orders (the older timestamp), not applied here.
      git("checkout", "-q", "-b", "feature-a");
      project.writeEntity("Order.ts", entity("Order", "orders"));
      await project.ok(["generate", "AddOrders"]);
      git("add", "-A");
      git("commit", "-q", "-m", "orders");

      // Branch B adds invoices and applies them to this (shared, local) database.
      git("checkout", "-q", "main");
      git("checkout", "-q", "-b", "feature-b");
      project.writeEntity("Invoice.ts", entity("Invoice", "invoices"));
      await project.ok(["generate", "AddInvoices"]);
      await project.ok(["run"]);
      await project.query(`INSERT INTO "invoices" ("title") VALUES ('kept')`);
      git("add", "-A");
      git("commit", "-q", "-m", "invoices");

      let conflict = "";
      try {
        git("merge", "--no-edit", "feature-a");
        assert.fail("the merge should have conflicted");
      } catch (error: any) {
        conflict = String(error.stdout) + String(error.stderr);
      }
      // Only the sum conflicts: the migration and entity files merge cleanly.
      assert.match(conflict, /CONFLICT \(content\): Merge conflict in migrations\/athanor\.sum/);
      assert.doesNotMatch(conflict, /Merge conflict in (?!migrations\/athanor\.sum)/);
      const [initial, orders, invoices] = project.migrationFiles();
      assert.match(orders, /-AddOrders\.ts$/);
      assert.match(invoices, /-AddInvoices\.ts$/);

      // status names the one command that fixes both problems.
      const status = await project.cli(["status"]);
      assert.match(status.stdout + status.stderr, /out of order/);
      assert.match(status.stdout + status.stderr, /Run `athanor rebase`: it gives the out-of-order migrations timestamps/);

      const refused = await project.cli(["run", "--allow-sum-mismatch"]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /give it a newer timestamp with `athanor rebase`, or pass --allow-out-of-order/);

      // An applied migration is never renamed.
      const applied = await project.cli(["rebase", invoices]);
      assert.equal(applied.code, 2);
      assert.match(
        applied.stderr,
        /^error: AddInvoices\d{13} is applied, so rebase leaves it alone \(its name is in the bookkeeping of the databases it ran on\): rebase only pending migrations\.$/m,
      );

      // --dry-run says what it would do and writes nothing.
      const sumBefore = readFileSync(join(project.dir, "migrations", "athanor.sum"), "utf8");
      const dry = await project.ok(["rebase", "--dry-run", "--json"]);
      const planned = JSON.parse(dry.stdout);
      assert.equal(planned.rebased.length, 1);
      assert.equal(planned.rebased[0].fromFile, `migrations/${orders}`);
      assert.deepEqual(project.migrationFiles(), [initial, orders, invoices]);
      assert.equal(readFileSync(join(project.dir, "migrations", "athanor.sum"), "utf8"), sumBefore);

      const rebased = await project.ok(["rebase"]);
      assert.match(rebased.stdout, /Renamed 1 migration to run after AddInvoices\d{13}:/);
      assert.match(rebased.stdout, /Re-wrote migrations\/athanor\.sum \(it had merge conflict markers\)\./);
      assert.match(rebased.stdout, /Verified on a scratch database: the 3 migrations still build the entities' schema\./);
      const files = project.migrationFiles();
      assert.equal(files.length, 3);
      assert.deepEqual(files.slice(0, 2), [initial, invoices]);
      const invoicesStamp = Number(invoices.slice(0, 13));
      const newOrders = files[2];
      assert.equal(newOrders, `${invoicesStamp + 1}-AddOrders.ts`);
      assert.match(rebased.stdout, new RegExp(`migrations/${orders} -> migrations/${newOrders}`));
      const text = project.readMigration(newOrders);
      assert.match(text, new RegExp(`export class AddOrders${invoicesStamp + 1} implements MigrationInterface`));
      assert.match(text, new RegExp(`name = "AddOrders${invoicesStamp + 1}";`));
      assert.doesNotMatch(text, new RegExp(orders.slice(0, 13)));

      // Nothing is out of order or mismatched any more: plain run, revert, run.
      assert.equal((await project.cli(["status", "--check"])).code, 1); // one pending
      const run = await project.ok(["run"]);
      assert.match(run.stdout, /AddOrders/);
      await project.ok(["revert"]);
      await project.ok(["run"]);
      assert.equal((await project.cli(["status", "--check"])).code, 0);
      assert.deepEqual(await project.query(`SELECT "title" FROM "invoices"`), [{ title: "kept" }]);
      const again = await project.ok(["rebase"]);
      assert.match(again.stdout, /nothing to rebase/);
      git("add", "-A");
      git("commit", "-q", "--no-edit");
    } finally {
      await project.cleanup();
    }
  });

  test("--json names each rename; head or an unknown migration is a usage error (E221), and so is one in order (E229); --no-verify skips the scratch check", async () => {
    const project = await TestProject.create("sqlite");
    const blank = (cls: string) => `import { MigrationInterface, QueryRunner } from "typeorm";
export class ${cls} implements MigrationInterface {
  name = "${cls}";
  public async up(queryRunner: QueryRunner): Promise<void> {}
  public async down(queryRunner: QueryRunner): Promise<void> {}
}
`;
    try {
      // Newer is applied first; Older arrives afterwards, as from another branch.
      writeFileSync(join(project.dir, "migrations", "1700000000005-Newer.ts"), blank("Newer1700000000005"));
      await project.ok(["sum"]);
      await project.ok(["run"]);
      writeFileSync(join(project.dir, "migrations", "1700000000001-Older.ts"), blank("Older1700000000001"));
      await project.ok(["sum"]);
      const unknown = await project.cli(["rebase", "Nope"]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /No migration matches "Nope"/);
      const head = await project.cli(["rebase", "head"]);
      assert.equal(head.code, 2);
      assert.match(
        head.stderr,
        /^error: athanor rebase takes pending migrations, not "head": name a migration file, class or timestamp\.$/m,
      );
      const result = JSON.parse((await project.ok(["rebase", "--no-verify", "--json"])).stdout);
      assert.deepEqual(
        result.rebased.map((m: any) => [m.from, m.to, m.toFile]),
        [["Older1700000000001", "Older1700000000006", "migrations/1700000000006-Older.ts"]],
      );
      assert.equal(result.sumWritten, true);
      assert.equal(result.verify, undefined);
      assert.equal((await project.cli(["status", "--check"])).code, 1);
      // Now pending but in order: nothing for rebase to do with it.
      const inOrder = await project.cli(["rebase", "Older"]);
      assert.equal(inOrder.code, 2);
      assert.match(
        inOrder.stderr,
        /^error: Older1700000000006 is not out of order \(no applied migration is newer\), so it already runs in its place: rebase only migrations that `athanor status` reports out of order\.$/m,
      );
      await project.ok(["run"]);
      assert.equal((await project.cli(["status", "--check"])).code, 0);
    } finally {
      await project.cleanup();
    }
  });
});
