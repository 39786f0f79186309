#!/usr/bin/env bash
# The GitHub Actions matrices of each environment's shards, as outputs of
# the step that runs this (README: "CI set-up").
#
# usage: fleet-matrix.sh BIN SLOTS ENV...
#
# BIN is the tenancy binary; SLOTS how many batch jobs the workflow has per
# environment. For each ENV it runs `BIN fleet matrix --env ENV`, one
# matrix of at most 256 shards a line, and writes to $GITHUB_OUTPUT
#   <env>_<i>=<matrix>   for i in 0..SLOTS-1, empty where there is no batch i
#   <env>_batches=<n>
# An environment without a lock file is one stack, and one matrix entry.
#
# With BASE set (a git ref), only the shards changed since BASE
# (`fleet matrix --changed --base BASE`), unless a file that reaches every
# shard changed: anything but stack files, lock files, docs, tests and CI
# (program code, Pulumi.yaml, go.mod); then every shard.
#
# Exit 1 when an environment needs more batches than SLOTS (add batch jobs
# to the workflow), or with BIN's code when it fails.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 BIN SLOTS ENV..." >&2
  exit 1
fi
bin=$1 slots=$2
shift 2
out=${GITHUB_OUTPUT:-/dev/stdout}

changed=()
if [ -n "${BASE:-}" ]; then
  code_changes=$(git diff --name-only --end-of-options "$BASE" -- . \
    ':(exclude,glob)Pulumi.*.yaml' ':(exclude,glob)Pulumi.*.shards.json' \
    ':(exclude,glob)**/*.md' ':(exclude,glob)docs/**' ':(exclude,glob)**/*_test.go' \
    ':(exclude,glob)**/testdata/**' ':(exclude,glob)examples/**' \
    ':(exclude,glob).github/**' ':(exclude,glob).ci/**')
  if [ -n "$code_changes" ]; then
    echo "::notice::files that reach every shard changed since $BASE, so every shard runs: $(echo "$code_changes" | head -n 5 | tr '\n' ' ')"
  else
    changed=(--changed --base "$BASE")
  fi
fi

for env in "$@"; do
  matrices=$("$bin" fleet matrix --env "$env" "${changed[@]}")
  n=0
  if [ -n "$matrices" ]; then
    n=$(printf '%s\n' "$matrices" | wc -l)
  fi
  echo "$env: $n matrices"
  printf '%s\n' "$matrices"
  if [ "$n" -gt "$slots" ]; then
    echo "::error::environment $env needs $n matrices of at most 256 shards, but the workflow runs $slots; add batch jobs ${env}-${slots} and up"
    exit 1
  fi
  for ((i = 0; i < slots; i++)); do
    line=$(printf '%s\n' "$matrices" | sed -n "$((i + 1))p")
    echo "${env}_${i}=${line}" >> "$out"
  done
  echo "${env}_batches=${n}" >> "$out"
done
