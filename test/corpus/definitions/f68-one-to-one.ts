import { Column, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "f68_profile" })
export class F68Profile {
  @PrimaryGeneratedColumn() id: number;
  @Column() bio: string;
}

@Entity({ name: "f68_user" })
export class F68User {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => F68Profile, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "profile_id" })
  profile: F68Profile | null;
}
