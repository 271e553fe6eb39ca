#!/usr/bin/env bash
# Undo `make pause`: autoscaling gets the task range of the last deploy back, with its
# schedules. May run again with nothing changed. Production asks for its name again, unless
# CONFIRM=production says it already.
{% if cookiecutter.database == 'postgresql' %}
# The database instance starts first, and the tasks wait for it.
{% elif cookiecutter.database == 'aurora-postgresql' %}
# The database gets its ACU floor back first.
{% endif %}
#   scripts/resume.sh ENV
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT TERRAFORM_DIR
confirm_production "$environment" "resumes production"
terraform_init "$environment"
[[ "$(terraform_output paused)" == false ]] ||
  fail "${environment} is paused by its tfvars (desired_count = 0): set a task count there and deploy"
{% if cookiecutter.database == 'postgresql' %}

database=$(terraform_output database_identifier)
status=$(aws rds describe-db-instances --db-instance-identifier "$database" --output text \
  --query 'DBInstances[0].DBInstanceStatus')
if [[ "$status" == stopped ]]; then
  aws rds start-db-instance --db-instance-identifier "$database" >/dev/null
fi
echo "database: waiting for ${database} to be available (a stopped instance takes minutes)"
aws rds wait db-instance-available --db-instance-identifier "$database"
{% elif cookiecutter.database == 'aurora-postgresql' %}

database=$(terraform_output database_identifier)
maximum=$(aws rds describe-db-clusters --db-cluster-identifier "$database" --output text \
  --query 'DBClusters[0].ServerlessV2ScalingConfiguration.MaxCapacity')
aws rds modify-db-cluster --db-cluster-identifier "$database" --apply-immediately \
  --serverless-v2-scaling-configuration "MinCapacity=$(terraform_output database_min_capacity),MaxCapacity=${maximum}" \
  --output text --query 'DBCluster.Status' >/dev/null
echo "database: ${database} back to $(terraform_output database_min_capacity)-${maximum} ACUs"
{% endif %}

minimum=$(terraform_output tasks_min_capacity)
maximum=$(terraform_output tasks_max_capacity)
aws application-autoscaling register-scalable-target --service-namespace ecs \
  --scalable-dimension ecs:service:DesiredCount --resource-id "$(scalable_target)" \
  --min-capacity "$minimum" --max-capacity "$maximum" \
  --suspended-state DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false,ScheduledScalingSuspended=false \
  >/dev/null
echo "tasks: autoscaling range ${minimum}-${maximum} again, with its schedules"
echo "Resumed ${environment}: the tasks start within minutes ('make logs ENV=${environment}' follows them)."
