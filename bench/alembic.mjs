// Alembic beside Athanor: the bench's N entities (bench/project.mjs) as
// SQLAlchemy declarative models, one module per model as the TypeORM project
// has one file per entity, and an Alembic project whose env.py gives
// autogenerate their metadata. Run with the system Python (Debian's
// python3-alembic 1.8.1 and python3-sqlalchemy 1.4), as `python3 -m alembic`.
//
// Alembic 1.8 has no `check` command, so its no-op generate is
// `alembic revision --autogenerate` on an up-to-date database; the revision
// it writes must be empty and is deleted after.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PYTHON = process.env.BENCH_PYTHON || "/usr/bin/python3";

export const INSTALL_HINT =
  "Alembic is not installed for " +
  PYTHON +
  "; its columns are skipped. Install it with: apt-get update && apt-get install -y python3-alembic python3-sqlalchemy python3-psycopg2 " +
  "(Debian 12: Alembic 1.8.1, SQLAlchemy 1.4), or pip install 'alembic==1.8.*' 'sqlalchemy<2' psycopg2-binary, and set BENCH_PYTHON to that python.";

/** The installed versions, or undefined when Alembic, SQLAlchemy or psycopg2 cannot be imported. */
export function alembicVersions() {
  try {
    const out = execFileSync(
      PYTHON,
      [
        "-c",
        "import alembic, sqlalchemy, psycopg2, sys; print(alembic.__version__, sqlalchemy.__version__, psycopg2.__version__.split()[0], sys.version.split()[0])",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
    const [alembic, sqlalchemy, psycopg2, python] = out.trim().split(" ");
    return { alembic, sqlalchemy, psycopg2, python };
  } catch {
    return undefined;
  }
}

const className = (i) => `Bench${String(i).padStart(4, "0")}`;
const tableName = (i) => `bench_${String(i).padStart(4, "0")}`;

/** The SQLAlchemy twin of bench/project.mjs's entitySource: the same table, columns, defaults, indexes and foreign key. */
export function modelSource(dialect, i) {
  const pg = dialect === "postgres";
  const table = tableName(i);
  const parent = i > 0 ? Math.floor(i / 2) : undefined;
  // TypeORM's enum (PostgreSQL) or simple-enum (a varchar on SQLite); int[] or simple-array (text).
  const status = pg
    ? `sa.Enum("draft", "live", "archived", name="${table}_status_enum")`
    : `sa.Enum("draft", "live", "archived", native_enum=False, length=8)`;
  const tags = pg ? "postgresql.ARRAY(sa.Integer)" : "sa.Text";
  return `import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import relationship

from .base import Base


class ${className(i)}(Base):
    __tablename__ = "${table}"
    __table_args__ = (sa.Index("ix_${table}_quantity_active", "quantity", "active"),)

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(64), nullable=False, unique=True)
    title = sa.Column(sa.String(200), nullable=False, index=True)
    body = sa.Column(sa.Text, nullable=True)
    quantity = sa.Column(sa.Integer, nullable=False, server_default=sa.text("0"))
    price = sa.Column(sa.Numeric(10, 2), nullable=False, server_default=sa.text("0"))
    ratio = sa.Column(sa.REAL, nullable=True)
    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    published_at = sa.Column("publishedAt", sa.DateTime, nullable=False)
    status = sa.Column(${status}, nullable=False, server_default="draft")
    tags = sa.Column(${tags}, nullable=True)
    created_at = sa.Column("createdAt", sa.DateTime, nullable=False, server_default=sa.func.now())
    updated_at = sa.Column("updatedAt", sa.DateTime, nullable=False, server_default=sa.func.now())
${
  parent === undefined
    ? ""
    : `    parent_id = sa.Column("parentId", sa.Integer, sa.ForeignKey("${tableName(parent)}.id", ondelete="SET NULL"), nullable=True)
    parent = relationship("${className(parent)}")
`
}`;
}

const ALEMBIC_INI = `[alembic]
script_location = alembic
sqlalchemy.url = sqlite:///data/app.sqlite

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
`;

// Alembic's own template (the online branch), with the URL taken from
// DATABASE_URL as the TypeORM project's ormconfig.ts does, and type
// comparison on: Athanor compares column types, Alembic 1.8 does only when
// asked (1.12 made it the default). BENCH_ALEMBIC_TRANSACTIONAL_DDL=0 runs the
// migration on an autocommit connection, each statement committed on its own,
// as the other tools' \`--transaction none\` (1000 tables in one transaction
// overflow PostgreSQL's lock table: "out of shared memory").
const ENV_PY = `import os
import sys
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

sys.path.insert(0, os.getcwd())
from models import Base  # noqa: E402

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

url = os.environ.get("DATABASE_URL")
if url:
    config.set_main_option("sqlalchemy.url", url.replace("postgres://", "postgresql://", 1))

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
    no_transaction = os.environ.get("BENCH_ALEMBIC_TRANSACTIONAL_DDL") == "0"
    with connectable.connect() as connection:
        if no_transaction:
            # transactional_ddl=False alone still leaves psycopg2 in one implicit transaction.
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            transactional_ddl=not no_transaction,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
`;

const SCRIPT_MAKO = `"""\${message}

Revision ID: \${up_revision}
Revises: \${down_revision | comma,n}
Create Date: \${create_date}

"""
from alembic import op
import sqlalchemy as sa
\${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = \${repr(up_revision)}
down_revision = \${repr(down_revision)}
branch_labels = \${repr(branch_labels)}
depends_on = \${repr(depends_on)}


def upgrade() -> None:
    \${upgrades if upgrades else "pass"}


def downgrade() -> None:
    \${downgrades if downgrades else "pass"}
`;

/** An Alembic project with N models in models/, next to data/ for SQLite. */
export function writeAlembicProject(dir, { dialect, n }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "models"), { recursive: true });
  mkdirSync(join(dir, "alembic", "versions"), { recursive: true });
  mkdirSync(join(dir, "data"));
  writeFileSync(join(dir, "alembic.ini"), ALEMBIC_INI);
  writeFileSync(join(dir, "alembic", "env.py"), ENV_PY);
  writeFileSync(join(dir, "alembic", "script.py.mako"), SCRIPT_MAKO);
  writeFileSync(join(dir, "models", "base.py"), "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n");
  const imports = [];
  for (let i = 0; i < n; i++) {
    writeFileSync(join(dir, "models", `${tableName(i)}.py`), modelSource(dialect, i));
    imports.push(`from .${tableName(i)} import ${className(i)}  # noqa: F401`);
  }
  writeFileSync(join(dir, "models", "__init__.py"), `from .base import Base  # noqa: F401\n${imports.join("\n")}\n`);
}

/** A new round: no revisions, no SQLite file. Python's bytecode caches are left to removeBytecode. */
export function resetAlembicProject(dir) {
  rmSync(join(dir, "alembic", "versions"), { recursive: true, force: true });
  mkdirSync(join(dir, "alembic", "versions"));
  rmSync(join(dir, "data"), { recursive: true, force: true });
  mkdirSync(join(dir, "data"));
}

/**
 * Python's own cache: the compiled bytecode of the models, env.py and the
 * revisions (__pycache__). Alembic keeps nothing else between runs; removing
 * these makes its run as cold as Athanor's with an empty cache directory.
 * (The installed packages' bytecode stays, as Athanor's dist/ and
 * node_modules stay compiled.)
 */
export function removeBytecode(dir) {
  for (const sub of ["models", "alembic", join("alembic", "versions")])
    rmSync(join(dir, sub, "__pycache__"), { recursive: true, force: true });
}

/** Revisions whose upgrade() does something; an autogenerate that found nothing writes `pass`. */
export function revisionFiles(dir) {
  return readdirSync(join(dir, "alembic", "versions")).filter((f) => f.endsWith(".py"));
}

export function isEmptyRevision(dir, file) {
  const text = readFileSync(join(dir, "alembic", "versions", file), "utf8");
  return !/\bop\.\w+\(/.test(text);
}

export function removeRevision(dir, file) {
  rmSync(join(dir, "alembic", "versions", file), { force: true });
}
