import { Column, Entity, Generated, PrimaryGeneratedColumn } from "typeorm";

// A uuid that is not the key: PostgreSQL's gen_random_uuid() default; on
// SQLite TypeORM makes the value in the application (no default).
@Entity({ name: "g81_generated_uuid_non_primary" })
export class G81GeneratedUuidNonPrimary {
  @PrimaryGeneratedColumn() id: number;
  @Column() @Generated("uuid") token: string;
}
