#!/usr/bin/env bash
# Open a shell in a running app container of one environment (ECS Exec), or run one command
# there: COMMAND (default /bin/sh). TASK picks the task by its id; without it, one of the
# service's running tasks. It needs the environment's enable_execute_command, your credentials
# holding its shell policy (terraform/bootstrap/shell_access.tf) and AWS's Session Manager
# plugin. Production asks for its name again, unless CONFIRM=production says it already.
#   scripts/shell.sh ENV
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT TERRAFORM_DIR
command -v session-manager-plugin >/dev/null ||
  fail "session-manager-plugin not found: make shell needs AWS's Session Manager plugin, https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"
confirm_production "$environment" "opens a shell in production"
terraform_init "$environment"
cluster=$(terraform_output cluster_name)
service=$(terraform_output service_name)

enabled=$(aws ecs describe-services --cluster "$cluster" --services "$service" --output text \
  --query 'services[0].enableExecuteCommand')
[[ "$enabled" == True ]] ||
  fail "ECS Exec is off in ${environment}: set enable_execute_command = true in terraform/environments/${environment}.tfvars, then make deploy ENV=${environment}"

task=${TASK:-}
if [[ -z "$task" ]]; then
  task=$(aws ecs list-tasks --cluster "$cluster" --service-name "$service" \
    --desired-status RUNNING --output text --query 'taskArns[0]')
  [[ -n "$task" && "$task" != None ]] ||
    fail "no task of ${service} is running: it is paused (make resume ENV=${environment}) or outside its office hours"
fi

# The agent starts with the task, and only in tasks started after ECS Exec was turned on.
agent=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --output text \
  --query "tasks[0].containers[?name=='app'] | [0].managedAgents[?name=='ExecuteCommandAgent'] | [0].lastStatus")
case "$agent" in
  RUNNING) ;;
  None | "")
    fail "task ${task##*/} has no ECS Exec agent: it started before ECS Exec was turned on (make deploy ENV=${environment} replaces it) or is not one of ${service}'s"
    ;;
  *) fail "the ECS Exec agent of task ${task##*/} is ${agent}: try again in a minute" ;;
esac

echo "${COMMAND:-/bin/sh} in the app container of task ${task##*/} (exit leaves it):" >&2
exec aws ecs execute-command --cluster "$cluster" --task "$task" --container app \
  --interactive --command "${COMMAND:-/bin/sh}"
