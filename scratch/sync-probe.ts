import "reflect-metadata";
import { DataSource } from "typeorm";
import { join } from "node:path";
import { definitionsFor } from "../test/corpus";
import { createTestDatabase } from "../test/support/postgres";
const dir = join(__dirname, "../test/corpus/definitions");
(async () => {
  const db = await createTestDatabase("probe");
  for (const type of ["sqlite", "postgres"] as const) {
    for (const d of definitionsFor(type)) {
      const entities = Object.values(require(join(dir, d.file))).filter((v) => typeof v === "function") as any;
      const ds = new DataSource(type === "sqlite" ? { type, database: ":memory:", entities, synchronize: true } : { type, url: db.url, entities, synchronize: true, dropSchema: true } as any);
      try { await ds.initialize(); } catch (e: any) { console.log(type, d.file, "ERR", e.message.slice(0, 100)); }
      if (ds.isInitialized) await ds.destroy();
    }
  }
  await db.drop();
})();
