#!/usr/bin/env bash
# Starts the first release of every Amplify branch of a stack that has
# never built: Amplify does not build a branch created through its API
# until a job starts (README: "Deploying").
#
# usage: first-release.sh STACK
#
# Reads the stack's `tenants` output with the Pulumi CLI (logged in, or
# PULUMI_BACKEND_URL set) and calls the AWS CLI in each tenant's region.
# Exits non-zero when any call fails.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 STACK" >&2
  exit 1
fi
stack=$1

pulumi stack output tenants --json --stack "$stack" |
  jq -r 'to_entries[] | select(.value.appId != "") | [.key, .value.region, .value.appId] | @tsv' |
  while IFS=$'\t' read -r tenant region app; do
    branches=$(aws amplify list-branches --app-id "$app" --region "$region" \
      --query 'branches[].branchName' --output text)
    for branch in $branches; do
      jobs=$(aws amplify list-jobs --app-id "$app" --branch-name "$branch" --region "$region" \
        --query 'length(jobSummaries)' --output text)
      if [ "$jobs" = "0" ]; then
        echo "tenant $tenant: starting the first release of $branch in $region"
        aws amplify start-job --app-id "$app" --branch-name "$branch" --region "$region" \
          --job-type RELEASE > /dev/null
      fi
    done
  done
