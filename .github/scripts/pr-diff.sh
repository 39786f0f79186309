#!/usr/bin/env bash
# The pull-request review of one stack file (README: "CI set-up"), run by
# the review job of pull-request.yml with the tenancy binary it built.
# The binary, not `go run`, because `go run` turns every non-zero exit
# code into 1 and so hides diff's 2 (data risk).
#
# usage: pr-diff.sh diff BIN STACK BASE_REF OUT
#   runs `BIN diff --stack STACK --base BASE_REF --format markdown` into
#   OUT (the PR comment), appends OUT to $GITHUB_STEP_SUMMARY and writes
#   code=<diff's exit code> to $GITHUB_OUTPUT. Exit 0 when diff exits 0
#   (no data risk) or 2 (data risk: the verdict step reports it after the
#   comment is posted); else diff's code, an error.
#
# usage: pr-diff.sh verdict STACK CODE
#   CODE is the code the diff step wrote. Exit 0 for 0; for 2 an error
#   annotation naming the stack and exit 2; anything else is an error
#   (exit 1, or CODE).
set -euo pipefail

usage() {
  echo "usage: $0 diff BIN STACK BASE_REF OUT | verdict STACK CODE" >&2
  exit 1
}

case "${1:-}" in
diff)
  [ $# -eq 5 ] || usage
  bin=$2 stack=$3 base=$4 out=$5
  code=0
  "$bin" diff --stack "$stack" --base "$base" --format markdown > "$out" || code=$?
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$out" >> "$GITHUB_STEP_SUMMARY"
  fi
  echo "code=$code" >> "${GITHUB_OUTPUT:-/dev/stdout}"
  case $code in
  0 | 2) exit 0 ;;
  *)
    echo "::error::stack $stack: diff failed with exit code $code; see its errors above"
    exit "$code"
    ;;
  esac
  ;;
verdict)
  [ $# -eq 3 ] || usage
  stack=$2 code=$3
  case $code in
  0) exit 0 ;;
  2)
    echo "::error::stack $stack: this change deletes or replaces tenant data; see the DATA RISK section"
    exit 2
    ;;
  *)
    echo "::error::stack $stack: diff did not finish (exit code '$code')"
    if [[ $code =~ ^[0-9]+$ ]] && [ "$code" -gt 0 ] && [ "$code" -lt 256 ]; then exit "$code"; fi
    exit 1
    ;;
  esac
  ;;
*) usage ;;
esac
