import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// uuid-ossp's generator as a default; compares equal to a generated uuid.
@Entity({ name: "d34_default_uuid_generate_v4" })
export class D34DefaultUuidGenerateV4 {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "uuid", default: () => "uuid_generate_v4()" }) token: string;
}
