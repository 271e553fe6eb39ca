#!/usr/bin/env bash
# Pause one environment so that it costs as little as it can without losing anything: no task
# runs, and what still bills is printed.
{% if cookiecutter.database == 'postgresql' %}
# The database instance stops.
{% elif cookiecutter.database == 'aurora-postgresql' %}
# The database scales to 0 ACUs and pauses.
{% endif %}
# `make resume` undoes it; both may run again with nothing changed. Production asks for its name
# again, unless CONFIRM=production says it already. A deploy refuses a paused environment.
#   scripts/pause.sh ENV
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT TERRAFORM_DIR
confirm_production "$environment" "pauses production"
terraform_init "$environment"

# Autoscaling owns the task count: with no room above zero, and its schedules (office hours)
# held, it keeps the service at no task.
aws application-autoscaling register-scalable-target --service-namespace ecs \
  --scalable-dimension ecs:service:DesiredCount --resource-id "$(scalable_target)" \
  --min-capacity 0 --max-capacity 0 --suspended-state ScheduledScalingSuspended=true >/dev/null
aws ecs update-service --cluster "$(terraform_output cluster_name)" \
  --service "$(terraform_output service_name)" --desired-count 0 --output text \
  --query 'service.desiredCount' >/dev/null
echo "tasks: none (autoscaling range 0-0, scheduled scaling suspended)"
{% if cookiecutter.database == 'postgresql' %}

# A stopped instance bills its storage only. AWS starts it again after seven days.
database=$(terraform_output database_identifier)
status=$(aws rds describe-db-instances --db-instance-identifier "$database" --output text \
  --query 'DBInstances[0].DBInstanceStatus')
case "$status" in
  stopped | stopping)
    echo "database: ${database} is ${status} already"
    ;;
  available)
    aws rds stop-db-instance --db-instance-identifier "$database" >/dev/null
    echo "database: ${database} stopping; AWS starts it again after seven days (run make pause again then)"
    ;;
  *)
    fail "database ${database} is ${status}: pause again once it is available"
    ;;
esac
{% elif cookiecutter.database == 'aurora-postgresql' %}

# At 0 ACUs with no connection, Aurora Serverless v2 pauses after five minutes and bills its
# storage only; the first connection wakes it (in about 15 seconds).
database=$(terraform_output database_identifier)
maximum=$(aws rds describe-db-clusters --db-cluster-identifier "$database" --output text \
  --query 'DBClusters[0].ServerlessV2ScalingConfiguration.MaxCapacity')
aws rds modify-db-cluster --db-cluster-identifier "$database" --apply-immediately \
  --serverless-v2-scaling-configuration "MinCapacity=0,MaxCapacity=${maximum},SecondsUntilAutoPause=300" \
  --output text --query 'DBCluster.Status' >/dev/null
echo "database: ${database} scales to 0 ACUs and pauses five minutes after its last connection"
{% endif %}

echo
echo "Paused ${environment}."
if command -v "${UV:-uv}" >/dev/null; then
  "${UV:-uv}" run --locked --quiet python scripts/costs.py "$environment" --paused
else
  echo "make cost ENV=${environment} prints what still bills (it needs uv)."
fi
