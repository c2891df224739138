import "reflect-metadata";
import { DataSource } from "typeorm";
import { readdirSync } from "node:fs";
import { join } from "node:path";
const dir = "/work/wt/corpus/test/corpus/definitions";
(async () => {
  for (const f of readdirSync(dir).sort()) {
    const entities = Object.values(require(join(dir, f))).filter((v) => typeof v === "function") as any;
    const res: string[] = [];
    for (const type of ["sqlite", "postgres"] as const) {
      const ds = new DataSource(type === "sqlite" ? { type, database: ":memory:", entities } : { type, entities } as any);
      try { await (ds as any).buildMetadatas(); ds.driver.createSchemaBuilder && (type==="sqlite" ? null : null); 
        // run validator
        const { EntityMetadataValidator } = require("typeorm/metadata-builder/EntityMetadataValidator");
        new EntityMetadataValidator().validateMany(ds.entityMetadatas, ds.driver);
        res.push(`${type}:ok`);
      } catch (e: any) { res.push(`${type}:ERR ${e.message.slice(0, 90)}`); }
    }
    console.log(f, res.join("  "));
  }
})();
