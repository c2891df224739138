import { Column, Entity, PrimaryColumn } from "typeorm";

// A uuid primary key the application assigns (SQLite stores it as varchar).
@Entity({ name: "g42_uuid_primary_column" })
export class G42UuidPrimaryColumn {
  @PrimaryColumn({ type: "uuid" }) id: string;
  @Column() name: string;
}
