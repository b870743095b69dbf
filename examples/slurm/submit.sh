#!/usr/bin/env bash
# Run a negsim study on a Slurm cluster: submit a job array of SHARDS shards
# (negsim-array.sbatch), then a merge job (negsim-merge.sbatch) that starts once every shard has
# succeeded. The merged run, in $RUN_DIR/merged, is byte-identical to the same run on one
# machine.
#
#     examples/slurm/submit.sh [negsim run arguments...]
#
#     STUDY=scenarios/studies/dprk-us-compliance.toml SHARDS=16 examples/slurm/submit.sh
#     TRIALS=100000 SEED=7 examples/slurm/submit.sh --vary party.DPRK.compliance=0.3:0.7:5
#
# Arguments go to `negsim run` as they are (scenario file, --vary, --with, --actions, ...);
# not --shard, --out or --threads, which the scripts set, nor --precision.
#
# Environment [default]:
#   NEGSIM         the negsim binary, on a filesystem the compute nodes see
#                  [negsim on PATH, else target/release/negsim of this repository]
#   SCENARIO       scenario file                   [negsim's default scenario]
#   STUDY          study file (--study)            [none]
#   TRIALS         trials per point (--trials)     [the study's, else 10000]
#   SEED           master seed (--seed)            [the study's, else 1]
#   SHARDS         number of shards                [8]
#   RUN_DIR        folder of the run: shard-K/, merged/, logs/; on a shared filesystem, and a
#                  fresh one for every run         [output/slurm-run]
#   CPUS_PER_TASK  cores (and negsim threads) per shard        [4]
#   TIME_LIMIT     time limit of each shard (sbatch --time)    [02:00:00]
#   ARRAY          which tasks to submit, e.g. 3,5 to resubmit two    [0-(SHARDS-1)]
#   SBATCH_OPTIONS more sbatch options for both jobs, split on spaces,
#                  e.g. "--partition=short --account=proj"     [none]
#
# Submitting again with the same settings is safe: finished shards are left alone ("already
# finished"), failed ones run again, and the merge runs once more. Paths are resolved from the
# current folder, which is also the jobs' working folder: submit from the repository.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

if [ -z "${NEGSIM:-}" ]; then
    if command -v negsim >/dev/null 2>&1; then
        NEGSIM=$(command -v negsim)
    elif [ -x "$repo/target/release/negsim" ]; then
        NEGSIM=$repo/target/release/negsim
    else
        echo "submit.sh: no negsim on PATH nor $repo/target/release/negsim: build it (cargo build --release) or set NEGSIM" >&2
        exit 2
    fi
fi
case "$NEGSIM" in */*) NEGSIM=$(abs "$NEGSIM") ;; esac
SHARDS=${SHARDS:-8}
RUN_DIR=$(abs "${RUN_DIR:-output/slurm-run}")
CPUS_PER_TASK=${CPUS_PER_TASK:-4}
TIME_LIMIT=${TIME_LIMIT:-02:00:00}
ARRAY=${ARRAY:-0-$((SHARDS - 1))}
# shellcheck disable=SC2206 # split on spaces, on purpose
extra=(${SBATCH_OPTIONS:-})

command -v sbatch >/dev/null 2>&1 || { echo "submit.sh: no sbatch: run this on a Slurm login node" >&2; exit 2; }
[ -n "${STUDY:-}" ] && [ ! -e "$STUDY" ] && { echo "submit.sh: STUDY=$STUDY: no such file" >&2; exit 2; }
[ -n "${SCENARIO:-}" ] && [ ! -e "$SCENARIO" ] && { echo "submit.sh: SCENARIO=$SCENARIO: no such file" >&2; exit 2; }

export NEGSIM RUN_DIR SHARDS SCENARIO STUDY TRIALS SEED
mkdir -p "$RUN_DIR/logs"

array_job=$(sbatch --parsable --export=ALL ${extra[@]+"${extra[@]}"} \
    --array="$ARRAY" --cpus-per-task="$CPUS_PER_TASK" --time="$TIME_LIMIT" \
    --output="$RUN_DIR/logs/shard-%a.job%A.out" \
    "$here/negsim-array.sbatch" "$@")
array_job=${array_job%%;*}
echo "negsim-slurm: shards: job $array_job, tasks $ARRAY of $SHARDS -> $RUN_DIR/shard-K"

# --kill-on-invalid-dep: if a shard fails, the merge job is cancelled rather than left pending
# for ever; fix the cause and submit again.
merge_job=$(sbatch --parsable --export=ALL ${extra[@]+"${extra[@]}"} \
    --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
    --output="$RUN_DIR/logs/merge.job%j.out" \
    "$here/negsim-merge.sbatch")
merge_job=${merge_job%%;*}
echo "negsim-slurm: merge:  job $merge_job, once job $array_job has succeeded -> $RUN_DIR/merged"
echo "negsim-slurm: follow with: squeue -j $array_job,$merge_job   (logs in $RUN_DIR/logs)"
