# realparse.py DB: the server durations of a real run's statements on database DB (log entries joined with their continuation lines)
import re,statistics,sys
db=sys.argv[1]
entries=[]; cur=None
for l in open("/var/log/postgresql/postgresql-15-main.log", errors="replace"):
    if re.match(r"\d{4}-\d\d-\d\d ", l):
        if cur is not None: entries.append(cur)
        cur = l if f"@{db} " in l else None
    elif cur is not None: cur += l
if cur is not None: entries.append(cur)
b=[];c=[];allsum=0.0
for e in entries:
    m=re.search(r"duration: ([0-9.]+) ms\s+(?:statement|execute [^:]*): (.*)", e, re.S)
    if not m: continue
    d=float(m.group(1)); s=m.group(2); allsum+=d
    if "COMMIT" in s and "START TRANSACTION" in s: b.append(d)
    elif s.startswith('CREATE TABLE "tiny'): c.append(d)
med=statistics.median
mid=len(b)//2
print(f"  {db}: batches {len(b)}: median first200 {med(b[:200]):.3f} / middle {med(b[mid-100:mid+100]):.3f} / last200 {med(b[-200:]):.3f} ms, sum {sum(b)/1000:.2f} s; CREATE median {med(c):.3f} ms, sum {sum(c)/1000:.2f} s; all statements {allsum/1000:.2f} s")
