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

# Each poll starts at the millisecond of the last event printed, since more events of that
# millisecond may arrive later, and skips the events of it already printed.
readonly EVENT_LINE=$'^([0-9]+)\t([^\t]*)\t([^\t]*)\t(.*)$'
printed_at_last_ms=" "
while true; do
  events=$(aws logs filter-log-events --log-group-name "$log_group" --start-time "$start_ms" \
    --query 'events[].[timestamp, eventId, logStreamName, message]' --output text 2>&1) ||
    fail "cannot read ${log_group}: ${events}"
  while IFS= read -r line; do
    if ! [[ "$line" =~ $EVENT_LINE ]]; then
      # The next line of a message that holds newlines (a traceback, say).
      [[ -z "$line" ]] || printf '%s\n' "$line"
      continue
    fi
    timestamp=${BASH_REMATCH[1]} event_id=${BASH_REMATCH[2]}
    stream=${BASH_REMATCH[3]} message=${BASH_REMATCH[4]}
    [[ "$printed_at_last_ms" != *" ${event_id} "* ]] || continue
    if ((timestamp != start_ms)); then
      start_ms=$timestamp
      printed_at_last_ms=" "
    fi
    printed_at_last_ms+="${event_id} "
    printf '%s %s\n' "${stream##*/}" "$message"
  done <<<"$events"
  [[ "${FOLLOW:-1}" == 1 ]] || break
  sleep 5
done
