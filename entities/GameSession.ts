import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum GameState {
  Active = "active",
  Won = "won",
  Lost = "lost",
  Abandoned = "abandoned",
}

@Entity({ name: "game_sessions" })
export class GameSession {
  @PrimaryGeneratedColumn("uuid", { name: "session_id" })
  sessionId: string;

  @Column({ type: "varchar", length: 50 })
  username: string;

  // simple-enum: a native enum type on PostgreSQL would not exist on SQLite;
  // TypeORM stores simple-enum as text with a CHECK on both.
  @Column({ type: "simple-enum", enum: GameState, default: GameState.Active })
  state: GameState;

  @Column({ name: "target_phrase", type: "varchar", length: 255 })
  targetPhrase: string;

  @Column({ type: "simple-json" })
  guesses: string[];

  @Column({ type: "integer", default: 0 })
  score: number;

  // Date columns take their type from the property: TypeORM maps Date to
  // timestamp on PostgreSQL and datetime on SQLite, so one entity fits both.
  @Column({ name: "started_at", default: () => "CURRENT_TIMESTAMP" })
  startedAt: Date;

  @Column({ name: "ended_at", type: Date, nullable: true })
  endedAt: Date | null;
}
