import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "d23_default_integer" })
export class D23DefaultInteger {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int", default: 42 }) answer: number;
  @Column({ type: "int", default: -1 }) negative: number;
  @Column({ type: "int", default: 0 }) zero: number;
  // eslint-disable-next-line no-loss-of-precision -- the point: a default beyond 2^53, as TypeORM receives it
  @Column({ type: "bigint", default: 9007199254740993 }) big: string;
  @Column({ type: "smallint", default: "7" }) fromString: number;
}
