import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL 13+: gen_random_uuid() is built in.
@Entity({ name: "d28_default_gen_random_uuid" })
export class D28DefaultGenRandomUuid {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "uuid", default: () => "gen_random_uuid()" }) token: string;
}
