import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "g33_increment" })
export class G33Increment {
  @PrimaryGeneratedColumn("increment") id: number;
  @Column() name: string;
}
