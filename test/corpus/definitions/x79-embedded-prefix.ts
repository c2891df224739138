import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export class X79Point {
  @Column({ type: "integer" }) x: number;
  @Column({ type: "integer", nullable: true }) y: number | null;
}

export class X79Box {
  @Column(() => X79Point) min: X79Point;
  @Column({ type: "varchar", length: 12, default: "none" }) tag: string;
}

// The default prefix (fromX), a custom one (to_X), none (prefix: false),
// and an embedded inside an embedded (boxMinX).
@Entity({ name: "x79_embedded_prefix" })
export class X79EmbeddedPrefix {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => X79Point) from: X79Point;
  @Column(() => X79Point, { prefix: "to_" }) to: X79Point;
  @Column(() => X79Box, { prefix: false }) box: X79Box;
  @Column(() => X79Box) outer: X79Box;
}
