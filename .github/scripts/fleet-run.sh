#!/usr/bin/env bash
# One shard's preview or up, in a matrix job (README: "CI set-up").
#
# usage: fleet-run.sh BIN preview|up ENV SHARD
#
# Runs `BIN fleet preview|up --env ENV --shard SHARD --diff --plain`,
# showing its output, and appends its summary table to
# $GITHUB_STEP_SUMMARY. Exits with BIN's code.
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 BIN preview|up ENV SHARD" >&2
  exit 1
fi
bin=$1 op=$2 env=$3 shard=$4
case "$op" in
  preview | up) ;;
  *) echo "$0: $op: not preview or up" >&2; exit 1 ;;
esac

log=$(mktemp)
trap 'rm -f "$log"' EXIT
code=0
"$bin" fleet "$op" --env "$env" --shard "$shard" --diff --plain | tee "$log" || code=${PIPESTATUS[0]}

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### $op $shard"
    echo
    echo '```'
    # The table starts at its header line.
    sed -n '/^STACK /,$p' "$log"
    echo '```'
  } >> "$GITHUB_STEP_SUMMARY"
fi
exit "$code"
