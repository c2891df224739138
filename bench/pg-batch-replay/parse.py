# Per replay (replay.sh), the median server duration of the runner's batch over the first 200,
# the middle 200 and the last 200 migrations, and of the CREATE TABLE: is the cost flat in N?
import re,statistics
pids={}
lines=open("/var/log/postgresql/postgresql-15-main.log", errors="replace").read().split("\n")
for l in lines:
    m=re.search(r"\[(\d+)\].*SET application_name = 'replay_(\w+)'", l)
    if m: pids[m.group(1)]=m.group(2)
d={p:{"batch":[], "create":[]} for p in pids}
for l in lines:
    m=re.search(r"\[(\d+)\].*duration: ([0-9.]+) ms\s+statement: (.*)", l)
    if m and m.group(1) in d:
        s=m.group(3)
        if "COMMIT" in s: d[m.group(1)]["batch"].append(float(m.group(2)))
        elif s.startswith('CREATE TABLE "tiny'): d[m.group(1)]["create"].append(float(m.group(2)))
for p,v in d.items():
    b=v["batch"]; c=v["create"]
    if len(b)<1900: continue
    med=lambda a: statistics.median(a)
    print(f"{pids[p]:3} pid {p}: batch median first200 {med(b[:200]):.3f} / mid {med(b[900:1100]):.3f} / last200 {med(b[-200:]):.3f} ms, mean all {sum(b)/len(b):.3f}; CREATE median {med(c):.3f}")
