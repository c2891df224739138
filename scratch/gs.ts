import "reflect-metadata";
import { DataSource } from "typeorm";
import { GameSession } from "../entities/GameSession";
import * as all from "../entities/User";
(async () => {
  const ents = [require("../entities/User"), require("../entities/GameSession"), require("../entities/Leaderboard"), require("../entities/LeaderboardEntry"), require("../entities/RefreshToken")].flatMap((m) => Object.values(m)).filter((v) => typeof v === "function") as any;
  const db = new DataSource({ type: "sqlite", database: ":memory:", entities: ents, synchronize: true });
  await db.initialize();
  console.log((await db.query(`SELECT sql FROM sqlite_master WHERE name='game_sessions'`))[0].sql);
})();
import { sqliteDialect } from "../src/dialects/sqlite";
import { parseCreateTable } from "../src/dialects/sqlite/parse-create-table";
console.log(JSON.stringify(parseCreateTable(`CREATE TABLE "game_sessions" ("session_id" varchar PRIMARY KEY NOT NULL, "state" varchar CHECK( "state" IN ('active','won') ) NOT NULL DEFAULT ('active'))`).checks));
