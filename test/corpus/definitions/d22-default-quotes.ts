import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "d22_default_quotes" })
export class D22DefaultQuotes {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: "it's" }) motto: string;
  @Column({ default: 'say "hi"' }) doubled: string;
  @Column({ type: "text", default: "a''b" }) twoQuotes: string;
}
