/**
 * Foreign keys MariaDB refuses although PostgreSQL and SQLite take them
 * (errno 150, "Foreign key constraint is incorrectly formed", and its
 * kin): `generate` and `check` say so, naming the table, the columns and
 * what to change (E234–E236), exit 2 and write nothing; the accepted near
 * miss of each still generates and runs on the real server. The same
 * entities generated on SQLite and linted with `--dialect mariadb` give
 * AT-R001 with the same words.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { TestProject } from "../support/project";

interface Shape {
  /** docs/errors.md's id. */
  id: string;
  what: string;
  /** Entities the server refuses. */
  refused: Record<string, string>;
  /** What generate says (after "error: "). */
  says: RegExp;
  /** The near miss the server takes. */
  accepted: Record<string, string>;
}

const AUTHOR = `import { Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "authors" })
export class Author {
  @PrimaryGeneratedColumn() id: number;
}
`;

function post(column: string, relation: string, extra = ""): string {
  return `import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Author } from "./Author";

@Entity({ name: "posts" })${extra}
export class Post {
  @PrimaryGeneratedColumn() id: number;
  ${column}
  @ManyToOne(() => Author, ${relation}) @JoinColumn({ name: "authorId" }) author: Author;
}
`;
}

/** accounts.code, referenced by payments.accountCode instead of the primary key. */
function accountAndPayment(code: string, accountCode: string, relation = "{}"): Record<string, string> {
  return {
    "Account.ts": `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "accounts" })
export class Account {
  @PrimaryGeneratedColumn() id: number;
  ${code}
}
`,
    "Payment.ts": `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Account } from "./Account";

@Entity({ name: "payments" })
export class Payment {
  @PrimaryGeneratedColumn() id: number;
  ${accountCode}
  @ManyToOne(() => Account, ${relation}) @JoinColumn({ name: "accountCode", referencedColumnName: "code" }) account: Account;
}
`,
  };
}

const FK = "The foreign key FK_\\w+";
const ERRNO = ' \\(errno 150, "Foreign key constraint is incorrectly formed"\\)';

const SHAPES: Shape[] = [
  {
    id: "E234",
    what: "ON DELETE SET NULL on a NOT NULL column",
    refused: { "Author.ts": AUTHOR, "Post.ts": post(`@Column() authorId: number;`, `{ onDelete: "SET NULL" }`) },
    says: new RegExp(
      `^error: ${FK} from posts \\(authorId\\) to authors \\(id\\) is ON DELETE SET NULL while posts\\.authorId is NOT NULL, which MariaDB refuses${ERRNO}: ` +
        `make posts\\.authorId nullable \\(nullable: true on its relation or column\\), or give the relation another onDelete\\.$`,
      "m",
    ),
    accepted: { "Author.ts": AUTHOR, "Post.ts": post(`@Column({ nullable: true }) authorId: number | null;`, `{ onDelete: "SET NULL" }`) },
  },
  {
    id: "E234",
    what: "ON UPDATE CASCADE from a nullable referenced column into a NOT NULL one, beside ON DELETE RESTRICT",
    refused: accountAndPayment(
      `@Column({ type: "int", nullable: true, unique: true }) code: number | null;`,
      `@Column({ type: "int" }) accountCode: number;`,
      `{ onUpdate: "CASCADE", onDelete: "RESTRICT" }`,
    ),
    says: new RegExp(
      `^error: ${FK} from payments \\(accountCode\\) to accounts \\(code\\) is ON UPDATE CASCADE from the nullable accounts\\.code into the NOT NULL payments\\.accountCode, which MariaDB refuses${ERRNO}: ` +
        `make accounts\\.code NOT NULL or payments\\.accountCode nullable, or give the relation onDelete "NO ACTION" or "CASCADE" \\(MariaDB takes those with it\\) or another onUpdate\\.$`,
      "m",
    ),
    // The same key beside ON DELETE NO ACTION: MariaDB takes it (tried), so Athanor does.
    accepted: accountAndPayment(
      `@Column({ type: "int", nullable: true, unique: true }) code: number | null;`,
      `@Column({ type: "int" }) accountCode: number;`,
      `{ onUpdate: "CASCADE", onDelete: "NO ACTION" }`,
    ),
  },
  {
    id: "E234",
    what: "ON UPDATE CASCADE on a column a CHECK names",
    refused: {
      "Author.ts": AUTHOR,
      "Post.ts": post(
        `@Column({ type: "int" }) authorId: number;`,
        `{ onUpdate: "CASCADE" }`,
        `\n@Check("CHK_posts_author", '"authorId" > 0')`,
      ),
    },
    says: new RegExp(
      `^error: ${FK} from posts \\(authorId\\) to authors \\(id\\) is ON UPDATE CASCADE while the check CHK_posts_author of posts names posts\\.authorId, which MariaDB refuses: ` +
        `give the relation onDelete and onUpdate that change no value \\(NO ACTION or RESTRICT, or ON DELETE CASCADE\\), or drop that check\\.$`,
      "m",
    ),
    // MariaDB takes ON DELETE CASCADE there: the check never sees the rows it deletes.
    accepted: {
      "Author.ts": AUTHOR,
      "Post.ts": post(
        `@Column({ type: "int" }) authorId: number;`,
        `{ onDelete: "CASCADE" }`,
        `\n@Check("CHK_posts_author", '"authorId" > 0')`,
      ),
    },
  },
  {
    id: "E235",
    what: "a signed column referencing an unsigned primary key",
    // TypeORM gives a relation's column the type of the key it references (a bigint @Column is made int), not its sign.
    refused: {
      "Author.ts": AUTHOR.replace("@PrimaryGeneratedColumn()", `@PrimaryGeneratedColumn({ unsigned: true })`),
      "Post.ts": post(`@Column({ type: "int" }) authorId: number;`, `{}`),
    },
    says: new RegExp(
      `^error: ${FK} from posts \\(authorId\\) to authors \\(id\\) joins posts\\.authorId \\(int\\) to authors\\.id \\(int unsigned\\), which MariaDB refuses${ERRNO}: ` +
        `declare posts\\.authorId with the type of authors\\.id \\(int unsigned\\), or let the relation make the column\\.$`,
      "m",
    ),
    accepted: {
      "Author.ts": AUTHOR.replace("@PrimaryGeneratedColumn()", `@PrimaryGeneratedColumn({ unsigned: true })`),
      "Post.ts": post(`@Column({ type: "int", unsigned: true }) authorId: number;`, `{}`),
    },
  },
  {
    id: "E235",
    what: "string columns of different collations",
    refused: accountAndPayment(
      `@Column({ type: "varchar", length: 20, unique: true, collation: "utf8mb4_bin" }) code: string;`,
      `@Column({ type: "varchar", length: 20, collation: "utf8mb4_general_ci" }) accountCode: string;`,
    ),
    says: new RegExp(
      `^error: ${FK} from payments \\(accountCode\\) to accounts \\(code\\) joins payments\\.accountCode \\(collation utf8mb4_general_ci\\) to accounts\\.code \\(collation utf8mb4_bin\\), which MariaDB refuses${ERRNO}: ` +
        `give accountCode the collation of code \\(utf8mb4_bin\\): a foreign key's string columns need the same character set and collation\\.$`,
      "m",
    ),
    // Lengths may differ: MariaDB compares strings by collation only.
    accepted: accountAndPayment(
      `@Column({ type: "varchar", length: 20, unique: true, collation: "utf8mb4_bin" }) code: string;`,
      `@Column({ type: "varchar", length: 40, collation: "utf8mb4_bin" }) accountCode: string;`,
    ),
  },
  {
    id: "E236",
    what: "a referenced column without an index",
    refused: accountAndPayment(`@Column({ type: "int" }) code: number;`, `@Column({ type: "int" }) accountCode: number;`),
    says: new RegExp(
      `^error: ${FK} from payments \\(accountCode\\) to accounts \\(code\\) references \\(code\\), where no index of accounts starts with \\(code\\), which MariaDB refuses${ERRNO}: ` +
        `make \\(code\\) the primary key or a unique of accounts \\(@Unique or unique: true\\), or reference its primary key\\.$`,
      "m",
    ),
    // MariaDB takes a plain (not unique) index on the referenced column.
    accepted: accountAndPayment(`@Index() @Column({ type: "int" }) code: number;`, `@Column({ type: "int" }) accountCode: number;`),
  },
];

for (const shape of SHAPES) {
  describe(`mariadb ${shape.id}: ${shape.what}`, () => {
    test("generate and check refuse it, naming the columns and the fix; nothing is written", async () => {
      const project = await TestProject.create("mariadb", shape.refused);
      try {
        const generated = await project.cli(["generate", "V1", "--no-interactive"]);
        assert.equal(generated.code, 2, generated.stdout + generated.stderr);
        assert.match(generated.stderr, shape.says);
        assert.deepEqual(project.migrationFiles(), []);
        const checked = await project.cli(["check"]);
        assert.equal(checked.code, 2, checked.stdout + checked.stderr);
        assert.match(checked.stderr, shape.says);
      } finally {
        await project.cleanup();
      }
    });

    test("the near miss generates and runs on the server, and nothing is left to generate", async () => {
      const project = await TestProject.create("mariadb", withIndexImport(shape.accepted));
      try {
        await project.ok(["generate", "V1", "--no-interactive"]);
        await project.ok(["run"]);
        const again = await project.cli(["generate", "--check"]);
        assert.equal(again.code, 0, again.stdout + again.stderr);
      } finally {
        await project.cleanup();
      }
    });
  });
}

/** The near misses' entities may use @Index. */
function withIndexImport(entities: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entities).map(([file, source]) => [file, source.replace("import { Column, Entity,", "import { Column, Entity, Index,")]),
  );
}

test("mariadb E236: an index left to the user (synchronize: false) that the database has serves the key: no refusal", async () => {
  const entities = accountAndPayment(
    `@Index("IDX_accounts_code_manual", { synchronize: false }) @Column({ type: "int" }) code: number;`,
    `@Column({ type: "int" }) accountCode: number;`,
  );
  const project = await TestProject.create("mariadb", withIndexImport(entities));
  try {
    const refused = await project.cli(["generate", "V1", "--no-interactive"]);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /references \(code\), where no index of accounts starts with \(code\)/);
    await project.query("CREATE TABLE accounts (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, code int NOT NULL)");
    await project.query("CREATE INDEX IDX_accounts_code_manual ON accounts (code)");
    await project.ok(["generate", "V1", "--no-interactive"]);
    await project.ok(["run"]);
  } finally {
    await project.cleanup();
  }
});

test("mariadb: every refused foreign key of the entities is listed at once", async () => {
  const project = await TestProject.create("mariadb", {
    "Author.ts": AUTHOR,
    "Post.ts": post(`@Column() authorId: number;`, `{ onDelete: "SET NULL" }`),
    ...accountAndPayment(`@Column({ type: "int" }) code: number;`, `@Column({ type: "int" }) accountCode: number;`),
  });
  try {
    const generated = await project.cli(["generate", "V1", "--no-interactive"]);
    assert.equal(generated.code, 2, generated.stdout + generated.stderr);
    assert.match(generated.stderr, /The entities declare 2 foreign keys mariadb would refuse, so nothing was generated:/);
    assert.match(generated.stderr, /^ {2}- The foreign key FK_\w+ from posts \(authorId\) to authors \(id\) is ON DELETE SET NULL/m);
    assert.match(generated.stderr, /^ {2}- The foreign key FK_\w+ from payments \(accountCode\) to accounts \(code\) references \(code\)/m);
    assert.deepEqual(project.migrationFiles(), []);
  } finally {
    await project.cleanup();
  }
});

test("sqlite takes a SET NULL key on a NOT NULL column; lint --dialect mariadb reports it as AT-R001, in generate's words", async () => {
  const project = await TestProject.create("sqlite", SHAPES[0].refused);
  try {
    await project.ok(["generate", "V1", "--no-interactive"]);
    const linted = await project.cli(["lint", "--dialect", "mariadb"]);
    assert.equal(linted.code, 1, linted.stdout + linted.stderr);
    assert.match(
      linted.stdout,
      /AT-R001 error +The foreign key FK_\w+ from posts \(authorId\) to authors \(id\) is ON DELETE SET NULL while posts\.authorId is NOT NULL, which MariaDB refuses/,
    );
    // PostgreSQL and SQLite take it: no AT-R001 for the project's own dialect.
    const own = await project.cli(["lint", "--json"]);
    assert.doesNotMatch(own.stdout, /AT-R001/);
  } finally {
    await project.cleanup();
  }
});
