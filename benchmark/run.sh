#!/usr/bin/env bash
# Benchmark: clone speed against cp --sparse=always, engine overhead per guest, per-guest cost from 30 to
# 3000 guests in one batch, and a soak (many batches back to back, one node on H2 and two on PostgreSQL).
# Usage (as root, from anywhere):   benchmark/run.sh [--quick]
# Not part of the test suite. Prints one table per part; see docs/benchmarks.md for recorded figures.
# Environment: BENCH_DIR (work dir, default a new dir under /var/tmp; images, base and cp copies
# all live on its file system), BENCH_HEAP (default 512m), BENCH_PARTS (default "clone overhead scale";
# "soak" runs BENCH_SOAK_BATCHES (50) batches of BENCH_SOAK_GUESTS (20) on one node, then on two nodes
# sharing a PostgreSQL, which needs Debian's postgresql package: apt-get install postgresql).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
quick=false
[ "${1:-}" = "--quick" ] && quick=true
heap=${BENCH_HEAP:-512m}
parts=${BENCH_PARTS:-clone overhead scale}
part() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }
work=${BENCH_DIR:-$(mktemp -d /var/tmp/xenprov-bench.XXXXXX)}
port=18591
app_pid=""
app_pids=()
sampler_pid=""
pg_dir=""

[ "$(id -u)" = 0 ] || { echo "benchmark/run.sh: run as root (loop devices and mount)" >&2; exit 1; }
for tool in curl python3 bc mkfs.ext4 losetup jstat; do
  command -v "$tool" >/dev/null || { echo "benchmark/run.sh: $tool is missing" >&2; exit 1; }
done

cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  for pid in "${app_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_dir" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop > /dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  findmnt -rn -o TARGET | grep "^$work" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  losetup --list --noheadings --raw --output NAME,BACK-FILE | awk -v w="$work" 'index($2, w) == 1 {print $1}' \
    | xargs -r -n1 losetup --detach 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }

build() {
  log "building the application jar"
  (cd "$repo" && mvn -q -B -DskipTests package)
  jar=$(ls "$repo"/target/xen-provisioner-*.jar | grep -v original | head -1)
}

# make_base NAME SIZE DATA_MIB: a sparse ext4 image with a RHEL-like /etc and DATA_MIB of incompressible data
make_base() {
  local name=$1 size=$2 data_mib=$3 tree="$work/tree-$1"
  mkdir -p "$tree/etc/sysconfig/network-scripts" "$tree/var/lib/data"
  echo "CentOS Linux release 7.9.2009 (Core)" > "$tree/etc/redhat-release"
  echo "HOSTNAME=base" > "$tree/etc/sysconfig/network"
  [ "$data_mib" -gt 0 ] && head -c "$((data_mib * 1024 * 1024))" /dev/urandom > "$tree/var/lib/data/blob"
  truncate -s "$size" "$work/$name.img"
  mkfs.ext4 -q -F -d "$tree" "$work/$name.img"
  rm -rf "$tree"
  echo "$work/$name.img"
}

allocated() { echo $(( $(stat -c '%b * %B' "$1") )); }

# start_app BASE MAX_PARALLEL [DOM0 PORT JDBC_URL]: one node; with a DOM0 its directories are under $work/DOM0
# and it joins the cluster on the given database (app_pid is the last node started)
start_app() {
  local base=$1 parallel=$2 dom0=${3:-} node_port=${4:-$port} url=${5:-jdbc:h2:file:$work/data/bench-$RANDOM}
  local dir=$work${dom0:+/$dom0}
  mkdir -p "$dir/images" "$dir/xen" "$dir/mnt" "$dir/data"
  [ -n "${password:-}" ] || password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  local cluster=()
  [ -n "$dom0" ] && cluster=(--provisioner.dom0="$dom0" --spring.datasource.username=postgres --spring.datasource.password=)
  java -Xmx"$heap" -jar "$jar" \
    --server.port="$node_port" --server.address=127.0.0.1 \
    --provisioner.base-image="$base" --provisioner.image-dir="$dir/images" \
    --provisioner.xen-config-dir="$dir/xen" --provisioner.mount-dir="$dir/mnt" \
    --provisioner.data-dir="$dir/data" --provisioner.max-parallel="$parallel" --provisioner.max-rows=3000 \
    --provisioner.template-dir="$repo/config/templates" \
    --spring.datasource.url="$url" "${cluster[@]}" \
    "--provisioner.users[0].id=olga" "--provisioner.users[0].password=$password" "--provisioner.users[0].groups=operators" \
    "--provisioner.users[1].id=arne" "--provisioner.users[1].password=$password" "--provisioner.users[1].groups=approvers" \
    > "$dir/app.log" 2>&1 &
  app_pid=$!
  app_pids+=("$app_pid")
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$node_port/api/batches" 2>/dev/null | grep -q 401; then
      return 0
    fi
    sleep 1
  done
  log "the application did not start; see $dir/app.log"; tail -20 "$dir/app.log" >&2; exit 1
}

stop_app() {
  for pid in "${app_pids[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
  app_pids=(); app_pid=""
  rm -rf "$work/images" "$work/xen" "$work/mnt" "$work/data" "$work/xen-a" "$work/xen-b"
}

# vm_list N [PREFIX [DOM0S]]: N guests in 10.0.0.0/8 (prefix g), or in 11.0.0.0/8 for another prefix; with
# DOM0S (comma separated) a dom0 column that deals the guests out to those Dom0s in turn
vm_list() {
  python3 - "$1" "${2:-g}" "${3:-}" <<'PY'
import sys
n, prefix, dom0s = int(sys.argv[1]), sys.argv[2], [d for d in sys.argv[3].split(",") if d]
net, oui = (10, 0) if prefix == "g" else (11, 128)
print("hostname,ip,mac" + (",dom0" if dom0s else ""))
for i in range(n):
    print(f"{prefix}{i:04d},{net}.{i // 62500}.{i // 250 % 250}.{i % 250 + 1},00:16:3e:{oui + ((i >> 16) & 127):02x}:{(i >> 8) & 255:02x}:{i & 255:02x}"
          + (f",{dom0s[i % len(dom0s)]}" if dom0s else ""))
PY
}

# run_batch N [PREFIX [DOM0S]]: submits and approves N guests; prints "seconds_from_approval_to_end state provisioned"
run_batch() {
  local n=$1 id state
  vm_list "$n" "${2:-g}" "${3:-}" > "$work/list.csv"
  id=$(curl -s -u "olga:$password" -H 'Content-Type: text/csv' --data-binary @"$work/list.csv" \
        "http://127.0.0.1:$port/api/batches?name=bench-$n" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -s -o /dev/null -u "arne:$password" -H 'Content-Type: application/json' -d '{"approved": true}' \
       "http://127.0.0.1:$port/api/batches/$id/approval"
  while :; do
    sleep 1
    state=$(curl -s -u "arne:$password" "http://127.0.0.1:$port/api/batches" \
            | python3 -c "import json,sys; print([b['state'] for b in json.load(sys.stdin) if b['id']=='$id'][0])")
    case $state in COMPLETED*) break ;; esac
  done
  curl -s -u "arne:$password" "http://127.0.0.1:$port/api/batches/$id" | python3 -c '
import json, sys
from datetime import datetime
b = json.load(sys.stdin)
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
seconds = (t(b["finishedAt"]) - t(b["approval"]["at"])).total_seconds()
print("%.2f %s %d" % (seconds, b["state"], b["provisioned"]))
steps = {}
for g in b["guestList"]:
    for st in g.get("steps") or []:
        steps.setdefault(st["name"], []).append(st["durationMillis"] or 0)
with open(sys.argv[1], "w") as out:
    for name, d in steps.items():
        out.write("  %-28s mean %6.0f ms  max %6.0f ms\n" % (name, sum(d) / len(d), max(d)))' "$work/steps"
}

# peak heap in MiB of the app, sampled every 500 ms by jstat into a file
start_heap_sampler() {
  : > "$work/heap"
  (while kill -0 "$app_pid" 2>/dev/null; do
     jstat -gc "$app_pid" 2>/dev/null | awk 'NR==2 {printf "%d\n", ($3+$4+$6+$8)/1024}' >> "$work/heap"
     sleep 0.5
   done) &
  sampler_pid=$!
}
peak_heap() { kill "$sampler_pid" 2>/dev/null || true; sampler_pid=""; sort -n "$work/heap" | tail -1; }

build
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(findmnt -n -o FSTYPE --target "$work") at $work, $(uname -r)"
echo "java: $(java -version 2>&1 | head -1), heap -Xmx$heap"

# 1. Clone-bound batch against sequential cp. Both are timed until the data is on disk (a sync
# ends each), three rounds alternating, and the median ratio is reported: a shared disk is noisy.
if part clone; then
guests=6; big_size=8G; big_data=600; rounds=3
$quick && { big_size=1G; big_data=100; rounds=1; }
base=$(make_base big "$big_size" "$big_data")
start_app "$base" "${BENCH_CLONE_PARALLEL:-2}"
ratios=()
echo
echo "## Clone-bound: $guests guests from a $big_size base holding ${big_data} MiB"
printf '%-8s %14s %14s %8s\n' "round" "batch (s)" "cp x $guests (s)" "ratio"
for round in $(seq 1 $rounds); do
  rm -rf "$work/cp"; mkdir -p "$work/cp"; sync
  start=$(date +%s.%N)
  for i in $(seq 1 $guests); do cp --sparse=always "$base" "$work/cp/$i.img"; done
  sync
  cp_seconds=$(echo "$(date +%s.%N) - $start" | bc)
  rm -rf "$work/cp"; sync
  read -r api_seconds batch_state provisioned < <(run_batch $guests)
  start=$(date +%s.%N); sync; flush=$(echo "$(date +%s.%N) - $start" | bc)
  batch_seconds=$(echo "$api_seconds + $flush" | bc)
  ratio=$(echo "scale=3; $batch_seconds / $cp_seconds" | bc)
  ratios+=("$ratio")
  printf '%-8s %14.2f %14.2f %8s   (%s, %s provisioned)\n' "$round" "$batch_seconds" "$cp_seconds" "$ratio" "$batch_state" "$provisioned"
  base_alloc=$(allocated "$base")
  max_clone_alloc=0
  for img in "$work"/images/*.img; do a=$(allocated "$img"); [ "$a" -gt "$max_clone_alloc" ] && max_clone_alloc=$a; done
  [ "$round" -lt "$rounds" ] && rm -f "$work"/images/*.img "$work"/xen/*.cfg
done
stop_app
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf '%-44s %10s\n' "median ratio batch / cp (target <= 1.1)" "$median"
printf '%-44s %10s\n' "base allocated" "$((base_alloc / 1048576)) MiB"
printf '%-44s %10s\n' "largest clone allocated (target <= base)" "$((max_clone_alloc / 1048576)) MiB"
echo "step durations per guest, last round (from the audit API):"; cat "$work/steps"
rm -f "$base"
fi

tiny=$(make_base tiny 64M 0)

# 2. Engine overhead per guest on a tiny base
if part overhead; then
sizes="30 300"; parallels="1 2 4"
$quick && { sizes="30"; parallels="2"; }
echo
echo "## Engine overhead: seconds per guest, tiny base (64 MiB, $(( $(allocated "$tiny") / 1024 )) KiB allocated); target <= 0.2"
printf '%-14s' "guests"; for p in $parallels; do printf '%16s' "max-parallel $p"; done; echo
for n in $sizes; do
  printf '%-14s' "$n"
  for p in $parallels; do
    start_app "$tiny" "$p"
    read -r seconds state provisioned < <(run_batch "$n")
    stop_app
    printf '%16s' "$(echo "scale=3; $seconds / $n" | bc)"
  done
  echo
done
fi

# 3. Scale: the cost per guest must not grow with the batch (target: flat within +-25 % from 30 to 3000
# guests), on one node, default max-parallel, with the peak heap of each size
if part scale; then
sizes="30 300 1000 3000"; $quick && sizes="30 100"
echo
echo "## Scale: one batch, tiny base, max-parallel 2, -Xmx$heap"
printf '%-10s %16s %16s %22s\n' "guests" "wall time (s)" "per guest (s)" "peak heap used (MiB)"
per_guest=()
for n in $sizes; do
  start_app "$tiny" 2
  # a warm-up batch first, so the figures are the engine's and not the JIT compiler's
  run_batch 60 w > /dev/null
  start_heap_sampler
  read -r seconds state provisioned < <(run_batch "$n")
  heap_peak=$(peak_heap)
  stop_app
  cost=$(echo "scale=4; $seconds / $n" | bc)
  per_guest+=("$cost")
  printf '%-10s %16s %16s %22s   (%s, %s provisioned)\n' "$n" "$seconds" "$cost" "$heap_peak" "$state" "$provisioned"
done
printf '%s\n' "${per_guest[@]}" | awk '{v[NR]=$1; s+=$1} END {m=s/NR; lo=hi=v[1]; for(i in v){if(v[i]<lo)lo=v[i]; if(v[i]>hi)hi=v[i]}
  printf "per guest: mean %.3f s, lowest %+.0f %%, highest %+.0f %% of the mean (target within +-25 %%)\n", m, (lo-m)*100/m, (hi-m)*100/m}'
fi

# 4. Soak: batches back to back. Heap after a full GC, threads, open files and database connections must
# stay flat; every batch COMPLETED; no loop device, mount or temporary file left. Each batch's images and
# domain configs are removed once it completed (an operator would move them to where the guests run).
if part soak; then
batches=${BENCH_SOAK_BATCHES:-50}; guests=${BENCH_SOAK_GUESTS:-20}
$quick && batches=10
# soak_row LABEL DATABASE_CONNECTIONS: one line of figures for every node
soak_row() {
  local label=$1 connections=$2 pid heap threads files loops mounts temporaries
  loops=$(losetup --list --noheadings --raw --output BACK-FILE | grep -c "^$work" || true)
  mounts=$(findmnt -rn -o TARGET | grep -c "^$work" || true)
  temporaries=$(find "$work" \( -name '.*.part' -o -name '.*xenprov*' \) -print 2>/dev/null | wc -l)
  temporaries=$((temporaries + $(find "$work" -path '*/mnt/*' -print 2>/dev/null | wc -l)))
  for pid in "${app_pids[@]}"; do
    jcmd "$pid" GC.run > /dev/null
    heap=$(jstat -gc "$pid" | awk 'NR==2 {printf "%d", ($3+$4+$6+$8)/1024}')
    threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
    files=$(ls "/proc/$pid/fd" | wc -l)
    printf '%-10s %-6s %14s %8s %11s %12s %6s %7s %12s\n' "$label" "$pid" "$heap" "$threads" "$files" "$connections" \
      "$loops" "$mounts" "$temporaries"
  done
}
# soak NAME DOM0S CONNECTIONS_COMMAND: runs the batches against the node(s) started, prints the figures
soak() {
  local dom0s=$1 connections=$2 failed=0 seconds state provisioned
  printf '%-10s %-6s %14s %8s %11s %12s %6s %7s %12s\n' "after" "pid" "heap (MiB)" "threads" "open files" \
    "db conns" "loops" "mounts" "temporaries"
  run_batch "$guests" w "$dom0s" > /dev/null
  rm -f "$work"/images/*.img "$work"/xen/*.cfg "$work"/xen-?/images/*.img "$work"/xen-?/xen/*.cfg
  soak_row "warm-up" "$($connections)"
  for b in $(seq 1 "$batches"); do
    read -r seconds state provisioned < <(run_batch "$guests" g "$dom0s")
    [ "$state" = COMPLETED ] && [ "$provisioned" = "$guests" ] || { failed=$((failed + 1)); log "batch $b: $state, $provisioned provisioned"; }
    rm -f "$work"/images/*.img "$work"/xen/*.cfg "$work"/xen-?/images/*.img "$work"/xen-?/xen/*.cfg
    [ $((b % 10)) -eq 0 ] && soak_row "batch $b" "$($connections)"
  done
  echo "batches not COMPLETED with every guest provisioned: $failed of $batches"
}

echo
echo "## Soak, one node (H2): $batches batches of $guests guests, tiny base, max-parallel 2, -Xmx$heap"
start_app "$tiny" 2
start=$(date +%s)
soak "" "echo embedded"
echo "wall time: $(( $(date +%s) - start )) s"
stop_app

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pg_bin" ]; then
  echo "two nodes skipped: no PostgreSQL (apt-get install postgresql)"
else
  pg_dir=$(mktemp -d /var/tmp/xenprov-pg.XXXXXX); chown postgres "$pg_dir"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres > /dev/null
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "-p 15433 -k $pg_dir -c listen_addresses=127.0.0.1" \
    -l "$pg_dir/log" -w start > /dev/null
  runuser -u postgres -- "$pg_bin/createdb" -h "$pg_dir" -p 15433 xenprov
  pg_connections() { runuser -u postgres -- "$pg_bin/psql" -h "$pg_dir" -p 15433 -Atc \
    "select count(*) from pg_stat_activity where datname = 'xenprov'"; }
  echo
  echo "## Soak, two nodes (xen-a, xen-b) on PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'): $batches batches of $guests guests dealt out to both"
  start_app "$tiny" 2 xen-a "$port" "jdbc:postgresql://127.0.0.1:15433/xenprov"
  start_app "$tiny" 2 xen-b "$((port + 1))" "jdbc:postgresql://127.0.0.1:15433/xenprov"
  start=$(date +%s)
  soak "xen-a,xen-b" pg_connections
  echo "wall time: $(( $(date +%s) - start )) s"
  stop_app
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop > /dev/null
  rm -rf "$pg_dir"; pg_dir=""
fi
fi
