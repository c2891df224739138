import { Column, Entity, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from "typeorm";

@Entity({ name: "v81_score" })
export class V81Score {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) player: string;
  @Column({ type: "integer" }) points: number;
}

@ViewEntity({
  name: "v81_leaderboard",
  materialized: true,
  expression: `SELECT "player", MAX("points") AS "best" FROM "v81_score" GROUP BY "player"`,
})
export class V81Leaderboard {
  @ViewColumn() player: string;
  @ViewColumn() best: number;
}

/** A plain view in another schema, reading the materialized one. */
@ViewEntity({
  name: "v81_champions",
  schema: "v81_reports",
  dependsOn: [V81Leaderboard],
  expression: `SELECT "player" FROM "v81_leaderboard" WHERE "best" >= 100`,
})
export class V81Champion {
  @ViewColumn() player: string;
}
