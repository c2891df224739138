#!/bin/bash
# Replays VARIANT.sql (gen.py) on database pgserver_replay with every statement's server
# duration logged (log_min_duration_statement = 0 for that session; LOG=0 leaves it off), and
# prints the wall time and the backend's CPU; parse.py reads the durations from the server log.
# replay2.sh VARIANT: backend CPU (utime+stime) for the whole replay, and server durations of the batches (log)
v=$1
{ [ "${LOG:-1}" = 1 ] && echo "SET log_min_duration_statement = 0;"; echo "SET application_name = 'replay_$v';"; cat $v.sql; echo "SELECT pg_sleep(0.5);"; } > $v.run.sql
psql -X -q -h 127.0.0.1 -U postgres -d pgserver_replay -f $v.run.sql > $v.out 2>&1 &
ppid=$!
pid=""
for i in $(seq 1 100); do pid=$(psql -X -h 127.0.0.1 -U postgres -d pgserver_replay -Atc "SELECT pid FROM pg_stat_activity WHERE application_name = 'replay_$v'"); [ -n "$pid" ] && break; sleep 0.05; done
tick=$(getconf CLK_TCK); last=0
while [ -e /proc/$pid/stat ]; do s=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null); [ -n "$s" ] && last=$s; sleep 0.05; done
wait $ppid
python3 - $v $pid $last $tick <<'PY'
import sys,re
v,pid,last,tick=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])
out=open(v+".out").read()
tot=re.findall(r"^\s*([0-9]+\.[0-9]+)\s*$", out, re.M)
ds=[]
for line in open("/var/log/postgresql/postgresql-15-main.log", errors="replace"):
    if f"[{pid}]" in line and "duration:" in line and "COMMIT" in line:
        ds.append(float(re.search(r"duration: ([0-9.]+) ms", line).group(1)))
mean=lambda a: sum(a)/len(a) if a else float('nan')
print(f"{v}: wall {tot[-1] if tot else '?'} s, backend CPU {last/tick:.2f} s; server ms per batch: first200 {mean(ds[:200]):.3f}, last200 {mean(ds[-200:]):.3f} (n={len(ds)})")
PY
