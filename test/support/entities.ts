/** Entity sources shared by end-to-end tests: an items table, then a grown version of it; a users table; a books table. */

export const ITEM_V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 20 })
  title: string;
}
`;

// v2: longer title, a new NOT NULL column with a default, and an index.
export const ITEM_V2 = `import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
@Index("IDX_items_title", ["title"])
export class Item {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 200 })
  title: string;

  @Column({ type: "integer", default: 7 })
  quantity: number;
}
`;

export const USER = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "users" })
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "varchar", length: 100 })
  name: string;
}
`;

/** A books table of an id and a title. */
export const BOOK = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "books" })
export class Book {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  title: string;
}
`;
