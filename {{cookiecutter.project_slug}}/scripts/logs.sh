#!/usr/bin/env bash
# Print the service's container logs, then follow them (like `aws logs tail --follow`, which
# AWS CLI v1 lacks). SINCE_MINUTES (default 10) sets how far back to start; FOLLOW=0 prints
# what is there and stops.
#   scripts/logs.sh ENV
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT TERRAFORM_DIR

terraform_init "$environment"
log_group=$(terraform_output log_group_name)
start_ms=$((($(date +%s) - ${SINCE_MINUTES:-10} * 60) * 1000))
echo "Logs of ${log_group} (Ctrl-C to stop):" >&2

while true; do
  # One line per event: milliseconds, stream, message; the next poll starts after the last one.
  last_ms=$start_ms
  while IFS=$'\t' read -r timestamp stream message; do
    [[ "$timestamp" =~ ^[0-9]+$ ]] || continue
    printf '%s %s\n' "${stream##*/}" "$message"
    last_ms=$timestamp
  done < <(aws logs filter-log-events --log-group-name "$log_group" --start-time "$start_ms" \
    --query 'events[].[timestamp, logStreamName, message]' --output text)
  start_ms=$((last_ms + 1))
  [[ "${FOLLOW:-1}" == 1 ]] || break
  sleep 5
done
