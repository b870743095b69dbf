#!/usr/bin/env bash
# End-to-end test of examples/slurm/ on a private one-node Slurm cluster started on this machine:
# 8 shards of a 3-point sweep as a job array, the dependent merge job, then the merged run
# compared byte for byte with the same run on one machine.
#
#     bash scripts/slurm-test.sh
#
# It needs root (it may install packages, and runs munged, slurmctld and slurmd as root). When it
# cannot run here it prints "slurm-test: SKIPPED: <reason>" and exits 0; it ends with
# "slurm-test: PASS ..." (exit 0) or "slurm-test: FAIL ..." (exit 1).
#
# What it does: installs Debian's slurm-wlm and munge if missing (apt-get, services not started);
# writes a munge key, slurm.conf and every state, spool, log and pid file into a fresh temporary
# folder; starts its own munged (own socket), slurmctld and slurmd (own ports), with SLURM_CONF
# pointing every s* command at them, so a Slurm or munge already on the machine is neither used
# nor disturbed; builds negsim (cargo build --release). Then, through examples/slurm/submit.sh:
#   1. submits the array and the merge job, waits for both (squeue), keeps the merged run;
#   2. submits the same again: every shard must say "already finished", the merge runs again;
#   3. removes shard 5's manifest.json and writes its run marker .negsim-run, as a task killed
#      before the end leaves it: `negsim merge --check`
#      must name it; resubmits task 5 alone (ARRAY=5), which must rerun it, and the merge;
# and compares each of the 3 merged runs with `negsim run` of the same arguments (no shard):
# trials.csv, summary.csv and points.csv, with cmp. On exit (trap) it cancels its jobs and stops
# the daemons it started, and anything they left, by PID (never by name: another Slurm may run
# here). Runnable any number of times in a row; about 40 s on 2 cores, plus the build and, the
# first time, the apt-get install.
#
# Environment:
#   SLURM_TEST_SKIP=1   skip (prints SKIPPED)
#   SLURM_TEST_KEEP=1   keep the temporary folder even on success (it is always kept on failure)
#   NEGSIM=PATH         test this binary instead of building target/release/negsim
#   SLURM_TEST_TIMEOUT  seconds to wait for the jobs of one submission [180]
set -euo pipefail

t0=$SECONDS
say() { echo "slurm-test: $*"; }
skip() {
    say "SKIPPED: $*"
    exit 0
}

cd "$(dirname "$0")/.."
repo=$PWD
export PATH=$PATH:/usr/sbin:/sbin # munged, slurmctld and slurmd live there

[ "${SLURM_TEST_SKIP:-}" = 1 ] && skip "SLURM_TEST_SKIP=1"
[ "$(uname -s)" = Linux ] || skip "not Linux"
[ "$(id -u)" = 0 ] || skip "not root (it installs slurm-wlm and munge, and runs their daemons as root)"
[ -r /dev/urandom ] || skip "no /dev/urandom"
[ -n "${NEGSIM:-}" ] || command -v cargo >/dev/null 2>&1 || skip "no cargo to build negsim (or set NEGSIM)"

# --- Cleanup, armed before anything is started -------------------------------------------
T=""
pids=() # daemons we started, in start order
policy_rc_d=""
job_ids="" # set once something is submitted to our cluster
ok=0
stop_pid() { # stop one process we started: TERM, up to 15 s, then KILL
    local p=$1 i
    kill -0 "$p" 2>/dev/null || return 0
    kill -TERM "$p" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}
ours() { # PIDs of the processes of our cluster, but for this script: the daemons, and the
    # slurmstepd, slurmscriptd and job processes they start, which hold files under $T open (or
    # have SLURM_CONF=$T/slurm.conf). Processes of any other Slurm or munge have neither.
    [ -n "$T" ] || return 0
    (
        unset SLURM_CONF # in this subshell: or the grep would find itself, and sort, and ...
        {
            find /proc/[0-9]*/fd /proc/[0-9]*/cwd -maxdepth 1 \( -lname "$T" -o -lname "$T/*" \) 2>/dev/null | cut -d/ -f3
            grep -lsxF "SLURM_CONF=$T/slurm.conf" -z /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
        } | sort -un | grep -vx "$$" || true
    )
}
stat_field() { # field N after "pid (comm)" of /proc/PID/stat: 1 state, 2 ppid
    local n=$2 s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    s=${s##*) }
    # shellcheck disable=SC2086 # split on spaces, on purpose
    set -- $s
    echo "${!n:-}"
}
cleanup() {
    local rc=$? i p left
    set +e
    [ -n "$policy_rc_d" ] && rm -f "$policy_rc_d"
    # Cancel our jobs (SLURM_CONF: our private cluster), and give their steps time to end.
    [ -n "$job_ids" ] && scancel --quiet --user=root 2>/dev/null
    # (Not waiting for the daemons nor their children, e.g. slurmctld's slurmscriptd.)
    for ((i = 0; i < 100; i++)); do
        left=""
        for p in $(ours); do
            [[ " ${pids[*]} " == *" $p "* || " ${pids[*]} " == *" $(stat_field "$p" 2) "* ]] || left+=" $p"
        done
        [ -z "$left" ] && break
        sleep 0.1
    done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]}"; done
    for p in $(ours); do # anything left, but zombies
        [ "$(stat_field "$p" 1)" = Z ] && continue
        left=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)
        kill -KILL "$p" 2>/dev/null && say "stopped leftover process $p ($left)"
    done
    if [ -n "$T" ]; then
        if [ "$ok" = 1 ] && [ "${SLURM_TEST_KEEP:-}" != 1 ]; then
            rm -rf "$T"
        else
            say "files kept in $T"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    say "FAIL: $*"
    exit 1
}
show_log() { # the tail of a log file, indented
    [ -e "$1" ] || return 0
    echo "----- $1 (last lines)"
    tail -n "${2:-20}" "$1" | sed 's/^/    /'
}

# --- Slurm and munge ---------------------------------------------------------------------
need=(munged mungekey munge unmunge slurmctld slurmd sbatch squeue sinfo scancel)
missing() {
    local c
    for c in "${need[@]}"; do command -v "$c" >/dev/null 2>&1 || { echo "$c"; return; }; done
}
if [ -n "$(missing)" ]; then
    command -v apt-get >/dev/null 2>&1 || skip "slurm/munge not installed ($(missing) missing) and no apt-get to install them"
    say "installing slurm-wlm and munge (apt-get)"
    # Package scripts must not start the system's munge/slurm services: we run our own.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy_rc_d=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' >"$policy_rc_d"
        chmod 755 "$policy_rc_d"
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >/tmp/slurm-test-apt.log 2>&1; then
        tail -n 5 /tmp/slurm-test-apt.log
        skip "apt-get could not install slurm-wlm and munge (offline? see /tmp/slurm-test-apt.log)"
    fi
    [ -n "$policy_rc_d" ] && rm -f "$policy_rc_d" && policy_rc_d=""
    [ -z "$(missing)" ] || fail "installed slurm-wlm and munge, but $(missing) is still missing"
fi

# --- negsim ------------------------------------------------------------------------------
tb=$SECONDS
if [ -z "${NEGSIM:-}" ]; then
    say "building negsim (cargo build --release)"
    mkdir -p target
    cargo build --release --quiet >target/slurm-test-build.log 2>&1 || {
        show_log target/slurm-test-build.log 30
        fail "cargo build --release failed"
    }
    NEGSIM=$repo/target/release/negsim
fi
[ -x "$NEGSIM" ] || fail "NEGSIM=$NEGSIM is not an executable"
build_s=$((SECONDS - tb))

# --- The cluster -------------------------------------------------------------------------
tc=$SECONDS
T=$(mktemp -d /tmp/negsim-slurm-test.XXXXXX)
chmod 755 "$T" # munged wants its socket's folders searchable by all
mkdir -p "$T/state" "$T/spool" "$T/run"
host=$(hostname -s)
[ -n "$host" ] || skip "hostname -s gives nothing"

# Two free TCP ports, from 16817 up, for slurmctld and slurmd: not the default 6817/6818 of
# a Slurm that may already run here.
listening=" $(for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] && while read -r _ local _ st _; do
        [ "$st" = 0A ] && printf '%d ' "0x${local##*:}"
    done < <(tail -n +2 "$f")
done) "
free_port() {
    local p=$1
    while [[ "$listening" == *" $p "* ]]; do p=$((p + 1)); done
    echo "$p"
}
ctld_port=$(free_port 16817)
slurmd_port=$(free_port $((ctld_port + 1)))

# munged: its own key, socket, pid, seed and log files. As root it needs --force.
mungekey --create --keyfile="$T/munge.key" 2>"$T/mungekey.log" ||
    dd if=/dev/urandom of="$T/munge.key" bs=1 count=1024 status=none
chmod 400 "$T/munge.key"
munged --foreground --force --socket="$T/run/munge.socket" --key-file="$T/munge.key" \
    --pid-file="$T/run/munged.pid" --seed-file="$T/munged.seed" --log-file="$T/munged.log" \
    >"$T/munged.out" 2>&1 &
pids+=($!)
for ((i = 0; i < 50; i++)); do [ -S "$T/run/munge.socket" ] && break; sleep 0.1; done
if ! munge --socket="$T/run/munge.socket" --no-input 2>/dev/null | unmunge --socket="$T/run/munge.socket" >/dev/null 2>&1; then
    show_log "$T/munged.out"
    skip "cannot run a munge daemon here (a container that forbids daemons?): see $T/munged.out"
fi

mem=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
mem=${mem:-2000}
mem=$((mem / 2 < 1000 ? mem / 2 : 1000))
cpus=$(nproc)
cat >"$T/slurm.conf" <<EOF
# Written by scripts/slurm-test.sh: a one-node cluster, everything under $T.
ClusterName=negsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/run/munge.socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$T/slurm.conf
slurmctld -D -f "$SLURM_CONF" >"$T/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$T/slurmd.out" 2>&1 &
pids+=($!)

state=""
for ((i = 0; i < 600; i++)); do
    for p in "${pids[@]}"; do
        kill -0 "$p" 2>/dev/null || {
            show_log "$T/slurmctld.log"
            show_log "$T/slurmd.log"
            fail "a daemon stopped while the cluster was starting (see above)"
        }
    done
    state=$(sinfo -h -N -n "$host" -o %t 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.1
done
if [ "$state" != idle ]; then
    show_log "$T/slurmctld.log"
    show_log "$T/slurmd.log"
    fail "node $host not idle after 60 s (sinfo says '${state:-nothing}')"
fi
cluster_s=$((SECONDS - tc))
say "cluster up: node $host, $cpus CPUs, ports $ctld_port/$slurmd_port, in $T ($cluster_s s)"

# --- The study on the cluster --------------------------------------------------------------
shards=8
trials=4000
seed=2007
# 3 points x 4000 trials = 12000 pairs, 1500 per shard: shards 2 and 5 each cross a point
# boundary. (With 2 points and 8 shards the boundary would fall between two shards.)
vary=(--vary "party.DPRK.compliance=0.3,0.6,0.9")
run_dir=$T/run-dir

wait_jobs() { # wait until squeue no longer lists the jobs of one submission
    local ids=$1 limit=${SLURM_TEST_TIMEOUT:-180} start=$SECONDS out rc
    while :; do
        rc=0
        out=$(squeue -h -j "$ids" -o '%i %T' 2>"$T/squeue.err") || rc=$?
        if [ "$rc" = 0 ] && [ -z "$out" ]; then return 0; fi
        if [ "$rc" != 0 ] && grep -q 'Invalid job id' "$T/squeue.err"; then return 0; fi
        if ((SECONDS - start > limit)); then
            echo "$out"
            show_log "$T/slurmctld.log"
            fail "jobs $ids still not done after $limit s"
        fi
        sleep 0.5
    done
}
submit() { # one submission through examples/slurm/submit.sh [of tasks $1]; sets $job_ids to "array,merge"
    local out
    out=$(ARRAY=${1:-} NEGSIM=$NEGSIM RUN_DIR=$run_dir SHARDS=$shards TRIALS=$trials SEED=$seed CPUS_PER_TASK=1 \
        TIME_LIMIT=00:10:00 bash examples/slurm/submit.sh "${vary[@]}") || {
        echo "$out"
        fail "examples/slurm/submit.sh failed"
    }
    echo "$out" | sed 's/^/    /'
    job_ids="$(sed -n 's/^negsim-slurm: shards: job \([0-9]*\),.*/\1/p' <<<"$out"),$(sed -n 's/^negsim-slurm: merge:  job \([0-9]*\),.*/\1/p' <<<"$out")"
    [[ "$job_ids" =~ ^[0-9]+,[0-9]+$ ]] || fail "could not read the job ids from submit.sh's output"
}
check_merged() { # the merged run is complete, and the logs are clean
    local f
    if [ ! -e "$run_dir/merged/manifest.json" ]; then
        for f in "$run_dir"/logs/*; do show_log "$f" 10; done
        fail "no merged run in $run_dir/merged (see the job logs above)"
    fi
}

ts=$SECONDS
say "submitting $shards shards of $trials trials x 3 points, then the merge"
submit
first_jobs=$job_ids
wait_jobs "$job_ids"
check_merged
cp -r "$run_dir/merged" "$T/merged-1"
jobs1_s=$((SECONDS - ts))

# Submitting again is safe: every shard is left alone, and the merge gives the same bytes.
tr=$SECONDS
say "submitting the same run again: every shard should be already finished"
submit
wait_jobs "$job_ids"
check_merged
cp -r "$run_dir/merged" "$T/merged-2"
again=$(cat "$run_dir"/logs/shard-*.job"${job_ids%%,*}".out | grep -c "already finished" || true)
[ "$again" = "$shards" ] || {
    for f in "$run_dir"/logs/shard-*.job"${job_ids%%,*}".out; do show_log "$f" 5; done
    fail "resubmitted: $again of $shards shards said 'already finished'"
}

# A shard left unfinished (its task killed before the manifest was written): merge --check
# names it, and resubmitting only that task runs it again, then merges. A killed task leaves
# the marker every run writes before its first file and removes after its manifest.
rm "$run_dir/shard-5/manifest.json"
printf 'a negsim run writes this folder (task killed)\n' >"$run_dir/shard-5/.negsim-run"
rm -rf "$run_dir/merged"
if check=$("$NEGSIM" merge --check "$run_dir"/shard-* 2>&1); then
    fail "negsim merge --check passed with shard 5 unfinished: $check"
fi
[[ "$check" == *"shard-5: no manifest.json"* ]] || fail "negsim merge --check did not name shard-5: $check"
say "shard 5 made unfinished; resubmitting task 5 alone (ARRAY=5)"
submit 5
wait_jobs "$job_ids"
check_merged
cp -r "$run_dir/merged" "$T/merged-3"
grep -q "unfinished shard" "$run_dir/logs/shard-5.job${job_ids%%,*}.out" ||
    { show_log "$run_dir/logs/shard-5.job${job_ids%%,*}.out"; fail "task 5 did not rerun its unfinished shard"; }
jobs2_s=$((SECONDS - tr))

# --- The same run on one machine, and the comparison ---------------------------------------
"$NEGSIM" run --trials "$trials" --seed "$seed" "${vary[@]}" --out "$T/single" >"$T/single.log" 2>&1 ||
    { show_log "$T/single.log"; fail "the single-machine run failed"; }
crossing=0
for ((k = 0; k < shards; k++)); do
    n=$(tail -n +2 "$run_dir/shard-$k/trials.csv" | cut -d, -f1 | sort -u | wc -l)
    [ "$n" -gt 1 ] && crossing=$((crossing + 1))
done
sizes=()
bad=()
for f in trials.csv summary.csv points.csv; do
    for m in 1 2 3; do
        cmp -s "$T/single/$f" "$T/merged-$m/$f" || bad+=("$f (merge $m)")
    done
    sizes+=("$f $(stat -c %s "$T/single/$f") B")
done
total_s=$((SECONDS - t0))
timing="build ${build_s}s, cluster ${cluster_s}s, jobs ${jobs1_s}s + resubmissions ${jobs2_s}s, total ${total_s}s"
if [ ${#bad[@]} -gt 0 ]; then
    fail "merged run of $shards shards (jobs $first_jobs) differs from the single-machine run: ${bad[*]}; $timing"
fi
ok=1
say "resubmitted: $again/$shards shards already finished; unfinished shard 5 rerun alone; the same bytes each time"
say "PASS: $shards shards (jobs $first_jobs; $crossing cross a point) merged = one-machine run, byte for byte: $(
    IFS=,
    echo "${sizes[*]}" | sed 's/,/, /g'
) ($timing)"
