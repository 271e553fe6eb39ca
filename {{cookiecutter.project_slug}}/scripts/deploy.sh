#!/usr/bin/env bash
# Deploy one environment, in eight steps, each reported on one line with its duration:
#   1 preflight   2 image tag   3 image   4 terraform   5 rollout   6 release health
#   7 smoke test  8 record
# Any failure stops the deploy, names the step and exits non-zero.
#   scripts/deploy.sh ENV                       the current commit's image (staging publishes it
#                                               if ECR does not have it yet)
#   scripts/deploy.sh ENV IMAGE_TAG             an image already in ECR (a rollback, a promotion)
#   scripts/deploy.sh ENV "" IMAGE_DIGEST       the image with that digest (the workflow's build)
# The tag is resolved to a digest once, and the tasks run that digest: what runs can never
# change under a tag. Production takes only an image that staging ran.
# The working tree must be committed: the image is the commit's, and Terraform applies what is
# in the tree. ALLOW_DIRTY=1 deploys uncommitted changes anyway (the image tag then says so).
# Optional: SMOKE_URL overrides the tested URL; ROLLOUT_TIMEOUT and POLL_SECONDS tune the wait
# for the service to become stable, SMOKE_ATTEMPTS and SMOKE_INTERVAL the smoke test's retries;
# MARK_DEPLOYED=0 leaves step 8 (tagging the image as run here) to the deploy workflow's
# publisher, since a deploy role may not tag images.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
requested_tag=${2:-}
requested_digest=${3:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT ECR_REPOSITORY IMAGE_PLATFORM TERRAFORM_DIR

readonly STEPS=8
readonly ROLLOUT_TIMEOUT=${ROLLOUT_TIMEOUT:-1200}
readonly POLL_SECONDS=${POLL_SECONDS:-10}
readonly SMOKE_ATTEMPTS=${SMOKE_ATTEMPTS:-30}
readonly SMOKE_INTERVAL=${SMOKE_INTERVAL:-5}
plan_file="${environment}.tfplan"
current_step=""
step_started=0

# Runs one step; the step function sets $summary to what it did.
step() {
  local number=$1 name=$2
  step_started=$SECONDS
  current_step="${number}/${STEPS} (${name})"
  summary=""
  "$3"
  printf '[%s/%s] %-14s %4ss  %s\n' "$number" "$STEPS" "$name" "$((SECONDS - step_started))" "$summary"
}

report_failure() {
  local status=$?
  rm -f "${TERRAFORM_DIR}/${plan_file}"
  if ((status != 0)) && [[ -n "$current_step" ]]; then
    echo "deploy to ${environment} failed at step ${current_step} after $((SECONDS - step_started))s" >&2
  fi
}
trap report_failure EXIT

preflight() {
  scripts/doctor.sh --fast
  summary="tools, AWS credentials, state bucket and ECR repository"
}

# What is deployed is the commit: its image, and the Terraform in the tree. A rollback or a
# promotion changes only the image, so the tree must be clean for those too.
choose_image_tag() {
  local changes locks
  changes=$(git status --porcelain)
  if [[ -n "$changes" && "${ALLOW_DIRTY:-}" != 1 ]]; then
    locks=$(sed -n 's/^.. \(.*\.terraform\.lock\.hcl\)$/\1/p' <<<"$changes" | tr '\n' ' ')
    [[ -z "$locks" ]] ||
      fail "terraform init wrote provider lock files that are not committed: git add ${locks}&& git commit -m 'Lock Terraform providers'"
    fail "uncommitted changes ($(wc -l <<<"$changes" | tr -d ' ') file(s), see git status): commit them, or set ALLOW_DIRTY=1 to deploy them anyway"
  fi
  if [[ -n "$requested_digest" ]]; then
    [[ "$requested_digest" =~ $DIGEST_PATTERN ]] ||
      fail "IMAGE_DIGEST must be an image digest (sha256: and 64 hex digits), not '${requested_digest}'"
    image_tag=""
    # The deploy workflow built it from this commit.
    image_source=$(current_commit)
    summary="${requested_digest} (given)"
    return
  fi
  if [[ -n "$requested_tag" ]]; then
    image_tag=$requested_tag
    image_source=$image_tag
    summary="${image_tag} (given)"
    return
  fi
  image_tag=$(current_commit)
  if [[ -n "$changes" ]]; then
    # Never let a build of uncommitted work carry the commit's own (immutable) tag.
    image_tag="${image_tag}-dirty-$(date +%Y%m%d%H%M%S)"
  fi
  image_source=$image_tag
  summary="${image_tag} (current commit)"
}

# The digest to run. Only staging publishes the current commit when ECR lacks it; what a tag
# names is looked up once, here.
resolve_image() {
  local repository_uri tags
  repository_uri=$(aws ecr describe-repositories --repository-names "$ECR_REPOSITORY" \
    --query 'repositories[0].repositoryUri' --output text)
  if [[ -n "$requested_digest" ]]; then
    digest=$requested_digest
  else
    digest=$(image_digest "$image_tag")
  fi
  if [[ -z "$digest" ]]; then
    [[ -z "$requested_tag" ]] ||
      fail "image tag ${image_tag} is not in ECR repository ${ECR_REPOSITORY}: deploy a tag that was pushed (a commit built by 'make deploy ENV=staging' or CI)"
    [[ "$environment" == staging ]] ||
      fail "image tag ${image_tag} is not in ECR repository ${ECR_REPOSITORY}: production deploys only what staging ran, so deploy this commit to staging first"
    digest=$(scripts/publish.sh "$image_tag")
  fi
  tags=$(image_tags "$digest")
  if [[ "$environment" == production ]] && ! grep -q '^deployed-staging-' <<<"$tags"; then
    fail "image ${digest} has never run in staging: production deploys only images staging ran (deploy it to staging first)"
  fi
  summary="${repository_uri}${image_tag:+:${image_tag}} = ${repository_uri}@${digest}"
}

apply_terraform() {
  local plan_output status=0
  terraform_init "$environment"
  # An apply would give a paused environment its tasks back behind `make resume`'s back.
  # Before the first deploy there is no service to ask about.
  if terraform_output service_name >/dev/null 2>&1 && [[ "$(paused_by_make_pause)" == True ]]; then
    fail "${environment} is paused (make pause): run 'make resume ENV=${environment}' first"
  fi
  # -detailed-exitcode: 0 = nothing to change, 2 = changes, anything else = error.
  plan_output=$(terraform -chdir="$TERRAFORM_DIR" plan -input=false -no-color -lock-timeout=5m \
    -var-file="environments/${environment}.tfvars" -var="image_digest=${digest}" \
    -var="app_version=$(app_version "$image_source" "$digest")" \
    -out="$plan_file" -detailed-exitcode 2>&1) || status=$?
  case "$status" in
    0)
      summary="no changes"
      return
      ;;
    2) ;;
    *)
      printf '%s\n' "$plan_output" >&2
      fail "terraform plan failed (output above)"
      ;;
  esac
  quietly terraform -chdir="$TERRAFORM_DIR" apply -input=false -lock-timeout=5m "$plan_file" ||
    fail "terraform apply failed (output above)"
  # "Plan: 1 to add, ...", then one line per changed resource ("module.x.y will be updated").
  summary=$(sed -n 's/^Plan: //p' <<<"$plan_output")
  summary+=$'\n'$(sed -n 's/^  # /        /p' <<<"$plan_output")
}

# Stable = one deployment left, running the task definition just applied, all tasks running.
# The deployment circuit breaker (tasks that never turn healthy) and the release-health alarms
# (a release that serves errors) mark a failing rollout FAILED and roll the service back to the
# previous task definition; both end the wait with an error. With alarms, ECS keeps the rollout
# IN_PROGRESS for a bake time after the tasks are up, watching them: the wait includes it.
wait_for_rollout() {
  local cluster service expected deadline state last_state=""
  local task_definition deployments primary_task_definition rollout running desired
  cluster=$(terraform_output cluster_name)
  service=$(terraform_output service_name)
  # What was just applied: if the circuit breaker has already rolled back, the service no
  # longer says so itself.
  expected=$(terraform_output task_definition_arn)
  deadline=$((SECONDS + ROLLOUT_TIMEOUT))
  while true; do
    read -r task_definition deployments primary_task_definition rollout running desired < <(
      aws ecs describe-services --cluster "$cluster" --services "$service" --output text \
        --query "services[0].[taskDefinition, length(deployments),
          deployments[?status=='PRIMARY'] | [0].taskDefinition,
          deployments[?status=='PRIMARY'] | [0].rolloutState, runningCount, desiredCount]"
    )
    if [[ "$task_definition" != "$expected" ]]; then
      fail "ECS rolled ${service} back to ${task_definition##*/} (the deployment circuit breaker or a release-health alarm): see 'make logs ENV=${environment}' and the dashboard"
    fi
    if [[ "$rollout" == FAILED ]]; then
      fail "the rollout of ${expected##*/} failed: see 'make logs ENV=${environment}'"
    fi
    if [[ "$deployments" == 1 && "$primary_task_definition" == "$expected" &&
      "$rollout" != IN_PROGRESS && "$running" == "$desired" ]]; then
      summary="${expected##*/}: ${running}/${desired} task(s) running"
      return
    fi
    state="${rollout}, ${deployments} deployment(s), ${running}/${desired} task(s) running"
    if [[ "$state" != "$last_state" ]]; then
      echo "      rollout: ${state}"
      last_state=$state
    fi
    ((SECONDS < deadline)) ||
      fail "${service} not stable after ${ROLLOUT_TIMEOUT}s (${state}): see 'make logs ENV=${environment}'"
    sleep "$POLL_SECONDS"
  done
}

# The verdict of the alarms ECS judged the release by (step 5 waited for it), reported with
# their state now; one going off stops the deploy.
check_release_health() {
  local cluster service alarms states firing
  cluster=$(terraform_output cluster_name)
  service=$(terraform_output service_name)
  alarms=$(aws ecs describe-services --cluster "$cluster" --services "$service" --output text \
    --query 'services[0].deploymentConfiguration.alarms.alarmNames')
  if [[ -z "$alarms" || "$alarms" == None ]]; then
    summary="${service} has no release-health alarms: the circuit breaker alone judged it"
    return
  fi
  # shellcheck disable=SC2086 # one alarm name per word
  states=$(aws cloudwatch describe-alarms --alarm-names $alarms --output text \
    --query 'MetricAlarms[].[AlarmName, StateValue]')
  firing=$(awk '$2 == "ALARM" { print $1 }' <<<"$states" | paste -sd ' ' -)
  [[ -z "$firing" ]] ||
    fail "release-health alarm(s) going off: ${firing}: see the dashboard ($(terraform_output dashboard_url)) and 'make logs ENV=${environment}'"
  summary="no alarm went off: $(awk '{ printf "%s%s %s", separator, $1, $2; separator = ", " }' <<<"$states")"
}

{% if "postgresql" in cookiecutter.database %}
# Liveness, then readiness (which needs the database), retried while DNS and targets settle.
{% else %}
# Liveness, then readiness, retried while DNS and targets settle.
{% endif %}
smoke_test() {
  local base_url path attempt
  base_url=${SMOKE_URL:-$(terraform_output service_url)}
  for path in /health /health/ready; do
    for ((attempt = 1; ; attempt++)); do
      if curl --fail --silent --max-time 5 --output /dev/null "${base_url}${path}"; then
        break
      fi
      ((attempt < SMOKE_ATTEMPTS)) ||
        fail "GET ${base_url}${path} did not answer 2xx after ${SMOKE_ATTEMPTS} attempts ($(
          curl --silent --show-error --max-time 5 --output /dev/null \
            --write-out 'HTTP %{http_code}' "${base_url}${path}" 2>&1
        ))"
      sleep "$SMOKE_INTERVAL"
    done
  done
  service_url=$base_url
  summary="GET /health and /health/ready answer at ${base_url}"
}

# Tagged deployed-<environment>-<time>: the lifecycle policy keeps it, and production may take it.
record_deploy() {
  if [[ "${MARK_DEPLOYED:-1}" == 0 ]]; then
    summary="left to the deploy workflow's image publisher (MARK_DEPLOYED=0)"
    return
  fi
  summary=$(scripts/record_deploy.sh "$environment" "$digest")
}

echo "Deploying {{ cookiecutter.project_slug }} to ${environment} (${AWS_REGION})"
step 1 preflight preflight
step 2 "image tag" choose_image_tag
step 3 image resolve_image
step 4 terraform apply_terraform
step 5 rollout wait_for_rollout
step 6 "release health" check_release_health
step 7 "smoke test" smoke_test
step 8 record record_deploy
current_step=""
echo "Deployed ${image_tag:+${image_tag} = }${digest} to ${environment}: ${service_url}"
