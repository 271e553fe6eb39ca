#!/usr/bin/env bash
# Deploy one environment, in six steps, each reported on one line with its duration:
#   1 preflight   2 image tag   3 image in ECR   4 terraform   5 rollout   6 smoke test
# Any failure stops the deploy, names the step and exits non-zero.
#   scripts/deploy.sh ENV               deploy the current commit (built and pushed if needed)
#   scripts/deploy.sh ENV IMAGE_TAG     deploy an image already in ECR (a rollback, a promotion)
# The working tree must be committed: the image is the commit's, and Terraform applies what is
# in the tree. ALLOW_DIRTY=1 deploys uncommitted changes anyway (the image tag then says so).
# Optional: SMOKE_URL overrides the tested URL; ROLLOUT_TIMEOUT and POLL_SECONDS tune the wait
# for the service to become stable, SMOKE_ATTEMPTS and SMOKE_INTERVAL the smoke test's retries.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
requested_tag=${2:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT ECR_REPOSITORY IMAGE_PLATFORM TERRAFORM_DIR CONTAINER_CLI

readonly STEPS=6
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
  printf '[%s/%s] %-11s %4ss  %s\n' "$number" "$STEPS" "$name" "$((SECONDS - step_started))" "$summary"
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
  if [[ -n "$requested_tag" ]]; then
    image_tag=$requested_tag
    summary="${image_tag} (given)"
    return
  fi
  image_tag=$(current_commit)
  if [[ -n "$changes" ]]; then
    # Never let a build of uncommitted work carry the commit's own (immutable) tag.
    image_tag="${image_tag}-dirty-$(date +%Y%m%d%H%M%S)"
  fi
  summary="${image_tag} (current commit)"
}

ensure_image_in_ecr() {
  local repository_uri
  repository_uri=$(aws ecr describe-repositories --repository-names "$ECR_REPOSITORY" \
    --query 'repositories[0].repositoryUri' --output text)
  if image_in_ecr "$image_tag"; then
    summary="${repository_uri}:${image_tag} already in ECR"
    return
  fi
  [[ -z "$requested_tag" ]] ||
    fail "image tag ${image_tag} is not in ECR repository ${ECR_REPOSITORY}: deploy a tag that was pushed (a commit built by 'make deploy' or CI)"

  echo "      building ${IMAGE_PLATFORM} image ${repository_uri}:${image_tag} with ${CONTAINER_CLI}"
  aws ecr get-login-password |
    "$CONTAINER_CLI" login --username AWS --password-stdin "${repository_uri%%/*}" >/dev/null
  "$CONTAINER_CLI" build --platform "$IMAGE_PLATFORM" --tag "${repository_uri}:${image_tag}" .
  "$CONTAINER_CLI" push "${repository_uri}:${image_tag}"
  image_in_ecr "$image_tag" ||
    fail "image tag ${image_tag} is not in ECR repository ${ECR_REPOSITORY} after the push: check the ${CONTAINER_CLI} push output above"
  summary="built and pushed ${repository_uri}:${image_tag}"
}

apply_terraform() {
  local plan_output status=0
  terraform_init "$environment"
  # -detailed-exitcode: 0 = nothing to change, 2 = changes, anything else = error.
  plan_output=$(terraform -chdir="$TERRAFORM_DIR" plan -input=false -no-color -lock-timeout=5m \
    -var-file="environments/${environment}.tfvars" -var="image_tag=${image_tag}" \
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
# The deployment circuit breaker marks a failing rollout FAILED and rolls the service back to
# the previous task definition; both end the wait with an error.
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
      fail "the deployment circuit breaker rolled ${service} back to ${task_definition##*/}: see 'make logs ENV=${environment}'"
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

{% if cookiecutter.database != "none" %}
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

echo "Deploying {{ cookiecutter.project_slug }} to ${environment} (${AWS_REGION})"
step 1 preflight preflight
step 2 "image tag" choose_image_tag
step 3 image ensure_image_in_ecr
step 4 terraform apply_terraform
step 5 rollout wait_for_rollout
step 6 "smoke test" smoke_test
current_step=""
echo "Deployed ${image_tag} to ${environment}: ${service_url}"
