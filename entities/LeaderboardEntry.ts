import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Leaderboard } from "./Leaderboard";

@Entity({ name: "leaderboard_entries" })
@Index("IDX_leaderboard_entries_leaderboard_score", ["leaderboard", "score"])
export class LeaderboardEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Leaderboard, (leaderboard) => leaderboard.entries, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "leaderboard_id" })
  leaderboard: Leaderboard;

  @Column({ type: "varchar", length: 50 })
  username: string;

  @Column({ type: "integer" })
  score: number;

  @Column({ type: "integer", nullable: true })
  rank: number | null;

  @Column({ name: "achieved_at", default: () => "CURRENT_TIMESTAMP" })
  achievedAt: Date;
}
