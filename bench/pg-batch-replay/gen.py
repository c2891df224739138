# The per-migration traffic of `athanor run` on PostgreSQL (2 queries a migration:
# the migration's CREATE TABLE, then the runner's batch joined with psql's \;),
# as a psql script, for replaying without any client CPU (bench/RESULTS.md, session 12).
#   python3 gen.py VARIANT N > VARIANT.sql
# A: as main sent it (no index on name, the held check reads pg_locks);
# IX: A plus the index on name; B: the index and the held check as a probe of the run's key.
# For B, hold (hashtext('athanor:migrations:held'), 12345) in another session, as the lock's session does.
import sys
variant = sys.argv[1]; n = int(sys.argv[2])
index = variant in ("B", "IX", "C")
held_locks = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = 1 AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = hashtext('athanor:migrations')::bigint) AS held"
held_try = "SELECT NOT pg_try_advisory_xact_lock_shared(hashtext('athanor:migrations:held'), 12345) AS held"
held = held_try if variant in ("B", "C") else held_locks
reread = "SELECT * FROM \"migrations\" WHERE \"name\" = '%s'"
out = []
out.append('DROP TABLE IF EXISTS migrations; ' + ' '.join('DROP TABLE IF EXISTS "tiny_%d";' % i for i in range(n)))
out.append('CREATE TABLE "migrations" ("id" SERIAL NOT NULL, "timestamp" bigint NOT NULL, "name" character varying NOT NULL, "checksum" varchar(64), "applied_at" timestamptz, "execution_ms" integer, "applied_statements" integer, "statement_count" integer, CONSTRAINT "PK_m" PRIMARY KEY ("id"));')
if index: out.append('CREATE INDEX "migrations_name_idx" ON "migrations" ("name");')
out.append("\\timing on")
out.append("SELECT clock_timestamp() AS t0 \\gset")
out.append("START TRANSACTION;")
for i in range(n):
    out.append('CREATE TABLE "tiny_%d" ("id" integer);' % i)
    parts = []
    if i > 0: parts.append("UPDATE \"migrations\" SET \"execution_ms\" = 3 WHERE \"name\" = 'Tiny%d'" % (i-1))
    parts.append("INSERT INTO \"migrations\" (\"timestamp\", \"name\", \"checksum\", \"applied_at\", \"execution_ms\") VALUES (%d, 'Tiny%d', 'abc', '2026-12-07T09:00:00.000Z', 3)" % (i, i))
    parts.append("COMMIT")
    if i + 1 < n:
        parts += ["START TRANSACTION", "SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(hashtext('athanor:migrations:apply'))", held, reread % ("Tiny%d" % (i+1))]
    out.append(" \\; ".join(parts) + ";")
out.append("\\timing off")
out.append("SELECT round(extract(epoch from clock_timestamp() - :'t0'::timestamptz)::numeric, 3) AS total_s;")
print("\n".join(out))
