import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "g37_uuid_primary" })
export class G37UuidPrimary {
  @PrimaryGeneratedColumn("uuid") id: string;
  @Column() name: string;
}
