#!/bin/bash
# real.sh LABEL CLI N: a real `athanor run` of N tiny migrations on a database of its own whose
# every statement's server duration is logged (ALTER DATABASE ... SET log_min_duration_statement = 0),
# then realparse.py on the server log (bench/RESULTS.md, session 12). Needs a local server whose
# log is /var/log/postgresql/postgresql-15-main.log, reached as postgres@127.0.0.1.
here=$(cd "$(dirname "$0")" && pwd)
label=$1; cli=$2; n=$3
db=pgserver_real_${label}_$(date +%s)
dir=${TMPDIR:-/tmp}/pg-batch-real/$label
psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $db" -c "ALTER DATABASE $db SET log_min_duration_statement = 0"
node "$here/setup.mjs" "$dir" "$n" >/dev/null
cd "$dir" || exit 1
start=$(date +%s.%N)
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db $cli run -q --allow-sum-mismatch > run.out 2>&1; rc=$?
end=$(date +%s.%N)
echo "$label $db rc=$rc wall $(echo "$end - $start" | bc) s load $(cut -d' ' -f1 /proc/loadavg)"
python3 "$here/realparse.py" "$db"
psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE $db WITH (FORCE)"
