/**
 * The one SQL scanner (src/sql/scanner.ts): where strings, quoted names,
 * dollar-quoted bodies and comments start and end, in each database's rules.
 * Every caller that walks SQL text relies on these answers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  COMMON_SYNTAX,
  POSTGRES_SYNTAX,
  SQLITE_SYNTAX,
  enclosedInParentheses,
  scan,
  splitTopLevel,
  unquotedValue,
  type SqlSyntax,
} from "../../src/sql/scanner";
import { normalizeSql, splitStatements } from "../../src/lint/sql-text";
import { normalizeExpression } from "../../src/schema/equal";
import { renameColumnInExpression } from "../../src/schema/rename-in-expression";
import { tokenize } from "../../src/dialects/sqlite/tokenize";

/** `text` as [kind, piece text] pairs, with an "!" after the kind of an unterminated piece. */
function pieces(text: string, syntax: SqlSyntax): Array<[string, string]> {
  return scan(text, syntax).map((p) => [p.kind + (p.unterminated ? "!" : ""), text.slice(p.start, p.end)]);
}

const cases: Array<{ name: string; syntax: SqlSyntax; text: string; expected: Array<[string, string]> }> = [
  {
    name: "a string literal",
    syntax: COMMON_SYNTAX,
    text: "a = 'x;y'",
    expected: [
      ["code", "a = "],
      ["string", "'x;y'"],
    ],
  },
  {
    name: "a doubled quote stays inside the string",
    syntax: COMMON_SYNTAX,
    text: "'it''s' || b",
    expected: [
      ["string", "'it''s'"],
      ["code", " || b"],
    ],
  },
  {
    name: "a quoted identifier with a doubled quote",
    syntax: COMMON_SYNTAX,
    text: `"a""b" > 0`,
    expected: [
      ["identifier", `"a""b"`],
      ["code", " > 0"],
    ],
  },
  {
    name: "backticks and brackets are names only where the syntax says so",
    syntax: SQLITE_SYNTAX,
    text: "`a``b` [c d]",
    expected: [
      ["identifier", "`a``b`"],
      ["code", " "],
      ["identifier", "[c d]"],
    ],
  },
  {
    name: "without backticks or brackets they are code",
    syntax: COMMON_SYNTAX,
    text: "`a` [b]",
    expected: [["code", "`a` [b]"]],
  },
  {
    name: "an E'' string: a backslash escapes the quote",
    syntax: POSTGRES_SYNTAX,
    text: String.raw`E'it\'s' || e'a''b'`,
    expected: [
      ["string", String.raw`E'it\'s'`],
      ["code", " || "],
      ["string", "e'a''b'"],
    ],
  },
  {
    name: "E inside a word does not start an E'' string",
    syntax: POSTGRES_SYNTAX,
    text: String.raw`typE'a\' x'`,
    expected: [
      ["code", "typE"],
      ["string", String.raw`'a\'`],
      ["code", " x"],
      ["string!", "'"],
    ],
  },
  {
    name: "without escape strings, E'' is code followed by a plain string",
    syntax: COMMON_SYNTAX,
    text: String.raw`E'a\'`,
    expected: [
      ["code", "E"],
      ["string", String.raw`'a\'`],
    ],
  },
  {
    name: "dollar quotes, plain and tagged, hold quotes, semicolons and other tags",
    syntax: POSTGRES_SYNTAX,
    text: "DO $$ it's; $$; SELECT $fn$ a $$ b; -- c $fn$",
    expected: [
      ["code", "DO "],
      ["dollarQuoted", "$$ it's; $$"],
      ["code", "; SELECT "],
      ["dollarQuoted", "$fn$ a $$ b; -- c $fn$"],
    ],
  },
  {
    name: "a parameter ($1) and a $ inside a word start no dollar quote",
    syntax: POSTGRES_SYNTAX,
    text: "$1 + a$b$ + 'x'",
    expected: [
      ["code", "$1 + a$b$ + "],
      ["string", "'x'"],
    ],
  },
  {
    name: "an unclosed dollar quote runs to the end",
    syntax: POSTGRES_SYNTAX,
    text: "SELECT $x$ never",
    expected: [
      ["code", "SELECT "],
      ["dollarQuoted!", "$x$ never"],
    ],
  },
  {
    name: "a line comment ends before the newline; quotes inside it are comment",
    syntax: SQLITE_SYNTAX,
    text: "a -- it's\nb",
    expected: [
      ["code", "a "],
      ["comment", "-- it's"],
      ["code", "\nb"],
    ],
  },
  {
    name: "a line comment at the very end is closed",
    syntax: SQLITE_SYNTAX,
    text: "a --",
    expected: [
      ["code", "a "],
      ["comment", "--"],
    ],
  },
  {
    name: "a block comment",
    syntax: SQLITE_SYNTAX,
    text: "a /* 'b' */ c",
    expected: [
      ["code", "a "],
      ["comment", "/* 'b' */"],
      ["code", " c"],
    ],
  },
  {
    name: "block comments nest in PostgreSQL",
    syntax: POSTGRES_SYNTAX,
    text: "a /* x /* y */ z */ b",
    expected: [
      ["code", "a "],
      ["comment", "/* x /* y */ z */"],
      ["code", " b"],
    ],
  },
  {
    name: "block comments do not nest in SQLite: the first */ ends it",
    syntax: SQLITE_SYNTAX,
    text: "a /* x /* y */ z */ b",
    expected: [
      ["code", "a "],
      ["comment", "/* x /* y */"],
      ["code", " z */ b"],
    ],
  },
  {
    name: "an unclosed block comment runs to the end",
    syntax: POSTGRES_SYNTAX,
    text: "a /* b",
    expected: [
      ["code", "a "],
      ["comment!", "/* b"],
    ],
  },
  {
    name: "comment markers inside a string are string",
    syntax: POSTGRES_SYNTAX,
    text: "'-- /*' -- c",
    expected: [
      ["string", "'-- /*'"],
      ["code", " "],
      ["comment", "-- c"],
    ],
  },
  {
    name: "without comments, -- and /* are code",
    syntax: COMMON_SYNTAX,
    text: "a -- b /* c */",
    expected: [["code", "a -- b /* c */"]],
  },
  {
    name: "an unclosed string runs to the end",
    syntax: COMMON_SYNTAX,
    text: `a = 'b`,
    expected: [
      ["code", "a = "],
      ["string!", "'b"],
    ],
  },
];

for (const { name, syntax, text, expected } of cases) {
  test(`scan: ${name}`, () => {
    assert.deepEqual(pieces(text, syntax), expected);
    assert.equal(
      scan(text, syntax)
        .map((p) => text.slice(p.start, p.end))
        .join(""),
      text,
      "the pieces give back the text",
    );
  });
}

test("unquotedValue: quotes removed, escapes undone", () => {
  const value = (text: string, syntax: SqlSyntax) => unquotedValue(text, scan(text, syntax)[0]);
  assert.equal(value("'it''s'", COMMON_SYNTAX), "it's");
  assert.equal(value(`"a""b"`, COMMON_SYNTAX), `a"b`);
  assert.equal(value("`a``b`", SQLITE_SYNTAX), "a`b");
  assert.equal(value("[a b]", SQLITE_SYNTAX), "a b");
  assert.equal(value(String.raw`E'it\'s \\ ok'''`, POSTGRES_SYNTAX), String.raw`it's \ ok'`);
  assert.equal(value("'open", COMMON_SYNTAX), "open");
});

test("splitTopLevel: separators outside parentheses, quotes, dollar quotes and comments", () => {
  assert.deepEqual(splitTopLevel("a int, b numeric(5, 2), c text DEFAULT 'x, y', \"d,e\" int", ",", COMMON_SYNTAX), {
    parts: ["a int", " b numeric(5, 2)", " c text DEFAULT 'x, y'", ' "d,e" int'],
    balanced: true,
  });
  assert.deepEqual(splitTopLevel("DO $$ BEGIN a; b; END $$; SELECT 1 -- x;y\n", ";", POSTGRES_SYNTAX), {
    parts: ["DO $$ BEGIN a; b; END $$", " SELECT 1 -- x;y\n"],
    balanced: true,
  });
  // A stray ")" is ignored for splitting and reported as unbalanced, as is an open "(" or quote.
  assert.deepEqual(splitTopLevel("a), b", ",", COMMON_SYNTAX), { parts: ["a)", " b"], balanced: false });
  assert.equal(splitTopLevel("(a, b", ",", COMMON_SYNTAX).balanced, false);
  assert.equal(splitTopLevel("a, 'b", ",", COMMON_SYNTAX).balanced, false);
});

test("enclosedInParentheses: one group from the first character to the last", () => {
  assert.equal(enclosedInParentheses("(a > 0)", COMMON_SYNTAX), true);
  assert.equal(enclosedInParentheses("((a > 0))", COMMON_SYNTAX), true);
  assert.equal(enclosedInParentheses("(a) AND (b)", COMMON_SYNTAX), false);
  assert.equal(enclosedInParentheses("(a = ')(')", COMMON_SYNTAX), true);
  assert.equal(enclosedInParentheses(`("a)b" > 0)`, COMMON_SYNTAX), true);
  assert.equal(enclosedInParentheses("(a", COMMON_SYNTAX), false);
  assert.equal(enclosedInParentheses("a > 0", COMMON_SYNTAX), false);
  assert.equal(enclosedInParentheses(String.raw`(x = E'\')')`, POSTGRES_SYNTAX), true);
});

// ── The callers, where their old loops disagreed ────────────────────────────

test("lint: a dollar-quoted body is one piece when comments are removed (the old normalizeSql did not know dollar quotes)", () => {
  const sql = "CREATE FUNCTION f() RETURNS int AS $py$\n# don't\nreturn 1\n$py$ LANGUAGE plpython3u; -- done\nSELECT  1";
  // The stray quote keeps the rest of the body as it is, and no more: the comment after the body goes.
  const body = "$py$ # don't\nreturn 1\n$py$";
  assert.equal(normalizeSql(sql), `CREATE FUNCTION f() RETURNS int AS ${body} LANGUAGE plpython3u; SELECT 1`);
  assert.deepEqual(splitStatements(sql), [`CREATE FUNCTION f() RETURNS int AS ${body} LANGUAGE plpython3u`, "SELECT 1"]);
  // Inside a DO block, comments still go and whitespace still collapses: rules read its statements.
  assert.deepEqual(splitStatements("DO $$\nBEGIN\n  -- add it; once\n  ALTER TABLE t\n    ADD x int;\nEND $$;"), [
    "DO $$ BEGIN ALTER TABLE t ADD x int; END $$",
  ]);
});

test("schema: a quoted name is one piece of an expression (the old normalizeExpression knew only ')", () => {
  assert.equal(normalizeExpression(`"My Col" != 'a  b'`), `"My Col"<>'a  b'`);
  assert.equal(normalizeExpression(`("a)b" > 0)`), `"a)b">0`);
  assert.equal(normalizeExpression(`(("age" >= 18))`), "age>=18");
  assert.equal(renameColumnInExpression(`"a""b" > 0 AND 'a"b' <> c`, 'a"b', "d"), `"d" > 0 AND 'a"b' <> c`);
});

test("sqlite: the catalog tokenizer skips comments and unquotes names and strings", () => {
  const tokens = tokenize("CREATE TABLE [my t] (`a``b` text DEFAULT 'it''s' -- c\n /* d */ )");
  assert.deepEqual(
    tokens.map((t) => [t.kind, t.value]),
    [
      ["word", "CREATE"],
      ["word", "TABLE"],
      ["identifier", "my t"],
      ["punct", "("],
      ["identifier", "a`b"],
      ["word", "text"],
      ["word", "DEFAULT"],
      ["string", "it's"],
      ["punct", ")"],
    ],
  );
});
