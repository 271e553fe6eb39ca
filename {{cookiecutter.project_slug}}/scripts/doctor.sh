#!/usr/bin/env bash
# Preflight for deploying: tools, AWS credentials, region, what `make bootstrap` creates and the
# GitHub settings `make github` makes. Reports every problem, one line each with its fix, then
# exits 1 if there was any.
#   scripts/doctor.sh          full report (make doctor)
#   scripts/doctor.sh --fast   only the checks a deploy needs, silent unless one fails
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
# shellcheck source=scripts/github_common.sh
source scripts/github_common.sh
require_settings AWS_REGION PROJECT ECR_REPOSITORY IMAGE_PLATFORM GITHUB_REPOSITORY_NAME

readonly MIN_TERRAFORM_VERSION=1.10.0
fast=false
[[ "${1:-}" == --fast ]] && fast=true
problems=0

ok() {
  "$fast" || printf '  ok    %s\n' "$*"
}

problem() {
  printf '  FAIL  %s\n' "$*" >&2
  problems=$((problems + 1))
}

# True when version $1 >= version $2 (dotted numbers).
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -t. -k1,1n -k2,2n -k3,3n | head -n 1)" == "$2" ]]
}

check_tools() {
  local tool
  for tool in git curl; do
    if command -v "$tool" >/dev/null; then ok "$tool"; else problem "$tool not found: install it"; fi
  done

  if ! command -v terraform >/dev/null; then
    problem "terraform not found: install Terraform >= ${MIN_TERRAFORM_VERSION}"
  elif ! "$fast"; then
    local version
    version=$(terraform version | sed -n '1s/^Terraform v\([0-9.]*\).*/\1/p')
    if version_at_least "$version" "$MIN_TERRAFORM_VERSION"; then
      ok "terraform ${version}"
    else
      problem "terraform ${version:-(unknown version)} is too old: install >= ${MIN_TERRAFORM_VERSION}"
    fi
  fi

  if ! command -v aws >/dev/null; then
    problem "aws not found: install the AWS CLI (v2, or v1 >= 1.29)"
  elif ! "$fast"; then
    # AWS CLI v1 prints its version on stderr.
    ok "$(aws --version 2>&1 | cut -d' ' -f1)"
  fi

  # Only needed to build an image; a deploy of an image already in ECR works without it.
  "$fast" || check_docker
  "$fast" || check_session_manager_plugin
}

check_docker() {
  local platforms
  if ! command -v docker >/dev/null; then
    problem "docker not found: install Docker (with buildx) to build images; deploys of images already in ECR work without it"
    return
  fi
  if ! docker info >/dev/null 2>&1; then
    problem "docker is installed but its daemon does not answer: start Docker (or point DOCKER_HOST at a running engine)"
    return
  fi
  if ! docker buildx version >/dev/null 2>&1; then
    problem "docker buildx not found: install the buildx plugin (Docker Desktop has it), which builds and publishes the image"
    return
  fi
  ok "$(docker --version | cut -d, -f1), daemon running, with buildx"
  platforms=$(docker buildx inspect --bootstrap 2>/dev/null | sed -n 's/^Platforms: *//p')
  if [[ ",${platforms// /}," == *",${IMAGE_PLATFORM},"* ]]; then
    ok "builds ${IMAGE_PLATFORM} images"
  else
    problem "docker buildx cannot build ${IMAGE_PLATFORM} here (it builds ${platforms:-nothing it reports}): install QEMU emulation, e.g. docker run --privileged --rm tonistiigi/binfmt --install ${IMAGE_PLATFORM#linux/}"
  fi
}

# The repository this clone pushes to must be the one the roles trust.
# Only make shell needs it: a warning, not a problem.
check_session_manager_plugin() {
  if command -v session-manager-plugin >/dev/null; then
    ok "session-manager-plugin (make shell)"
  else
    echo "  warn  session-manager-plugin not found: only make shell needs it, https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"
  fi
}

check_git_remote() {
  local origin
  origin=$(origin_repository)
  if [[ -z "$origin" ]]; then
    problem "no git remote 'origin': add ${GITHUB_REPOSITORY_NAME} (git remote add origin git@github.com:${GITHUB_REPOSITORY_NAME}.git)"
  elif origin_is_trusted_repository "$origin"; then
    ok "git remote origin is ${GITHUB_REPOSITORY_NAME}"
  else
    problem "$(untrusted_origin "$origin")"
  fi
}

check_identity() {
  local identity
  if ! identity=$(aws sts get-caller-identity --query '[Account, Arn]' --output text 2>&1); then
    problem "no working AWS credentials (${identity##*: }): run 'aws sso login' or set AWS_PROFILE"
    return 1
  fi
  ok "AWS account $(cut -f1 <<<"$identity") as $(cut -f2 <<<"$identity")"
}

check_region() {
  local zones
  if ! zones=$(aws ec2 describe-availability-zones --region "$AWS_REGION" \
    --filters Name=state,Values=available --query 'length(AvailabilityZones)' --output text 2>&1); then
    problem "region ${AWS_REGION} is not usable (${zones##*: }): enable it in the AWS account settings"
  elif ((zones < 2)); then
    problem "region ${AWS_REGION} has ${zones} available zone(s): the network needs 2"
  else
    ok "region ${AWS_REGION} (${zones} availability zones)"
  fi
}

check_state_bucket() {
  local bucket
  bucket=$(state_bucket)
  if aws s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
    ok "state bucket ${bucket}"
  else
    problem "state bucket ${bucket} not found or not readable: run 'make bootstrap' first"
  fi
}

check_ecr_repository() {
  if aws ecr describe-repositories --repository-names "$ECR_REPOSITORY" >/dev/null 2>&1; then
    ok "ECR repository ${ECR_REPOSITORY}"
  else
    problem "ECR repository ${ECR_REPOSITORY} not found: run 'make bootstrap' first"
  fi
}
{% if cookiecutter.https == 'acm-route53' %}

check_hosted_zone() {
  local zone=$1 zone_id
  zone_id=$(aws route53 list-hosted-zones-by-name --dns-name "$zone" \
    --query "HostedZones[?Name=='${zone}.'].Id | [0]" --output text 2>/dev/null || true)
  if [[ -n "$zone_id" && "$zone_id" != None ]]; then
    ok "Route 53 hosted zone ${zone} (${zone_id##*/})"
  else
    problem "Route 53 hosted zone ${zone} not found: create it, or delegate the domain to this account"
  fi
}
{% endif %}

# What `make github` sets, read back. Needs gh logged in and bootstrap's state.
check_github() {
  local environment rules expected subject reviewers self_review
  if ! gh_ready; then
    echo "  skip  GitHub settings: gh is not installed or not logged in (see 'make github')"
    return
  fi
  if ! fetch_bootstrap_state; then
    echo "  skip  GitHub settings: no bootstrap state yet"
    return
  fi
  for environment in staging production; do
    if ! rules=$(gh api "repos/${GITHUB_REPOSITORY_NAME}/environments/${environment}/deployment-branch-policies" \
      --jq '[.branch_policies[] | "\(.type):\(.name)"] | join(",")' 2>/dev/null); then
      problem "GitHub environment ${environment} missing: run 'make github REVIEWERS=...'"
      continue
    fi
    expected=$([[ "$environment" == staging ]] && echo "branch:main" || echo "tag:v*")
    if [[ "$rules" == "$expected" ]]; then
      ok "GitHub environment ${environment} deploys from ${expected#*:} only"
    else
      problem "GitHub environment ${environment} deploys from '${rules:-any branch}', not ${expected#*:} only: run 'make github REVIEWERS=...'"
    fi
    expected=$(bootstrap_output_entry deploy_role_arns "$environment")
    if [[ "$(gh variable get AWS_ROLE_ARN --repo "$GITHUB_REPOSITORY_NAME" --env "$environment" 2>/dev/null)" == "$expected" ]]; then
      ok "GitHub environment ${environment}: AWS_ROLE_ARN"
    else
      problem "GitHub environment ${environment}: AWS_ROLE_ARN is not ${expected}: run 'make github REVIEWERS=...'"
    fi
  done
  read -r reviewers self_review < <(gh api "repos/${GITHUB_REPOSITORY_NAME}/environments/production" \
    --jq '[.protection_rules[] | select(.type == "required_reviewers")] | [(.[0].reviewers // [] | length), (.[0].prevent_self_review // false)] | @tsv' 2>/dev/null || echo "0 false")
  if ((reviewers > 0)) && [[ "$self_review" == true ]]; then
    ok "GitHub environment production: ${reviewers} required reviewer(s), no self-review"
  else
    problem "GitHub environment production needs required reviewers with 'Prevent self-review' (now ${reviewers} reviewer(s), self-review prevented: ${self_review}): run 'make github REVIEWERS=...'"
  fi
  expected=$(terraform -chdir="$BOOTSTRAP_DIR" output -raw image_publisher_role_arn)
  if [[ "$(gh variable get AWS_PUBLISHER_ROLE_ARN --repo "$GITHUB_REPOSITORY_NAME" 2>/dev/null)" == "$expected" ]]; then
    ok "GitHub variable AWS_PUBLISHER_ROLE_ARN"
  else
    problem "GitHub repository variable AWS_PUBLISHER_ROLE_ARN is not ${expected}: run 'make github REVIEWERS=...'"
  fi
  subject=$(gh api "repos/${GITHUB_REPOSITORY_NAME}/actions/oidc/customization/sub" \
    --jq 'if .use_default then "default" else (.include_claim_keys | tojson) end' 2>/dev/null || echo unknown)
  if [[ -n "$(recorded_repository_id)" ]]; then
    if [[ "$subject" == "$OIDC_SUBJECT_CLAIMS" ]]; then
      ok "GitHub OIDC subject: repository id, context and workflow, as the roles trust"
    else
      problem "GitHub OIDC subject template is ${subject}, but the roles trust ${OIDC_SUBJECT_CLAIMS}: run 'make github REVIEWERS=...'"
    fi
  elif [[ "$subject" == default ]]; then
    echo "  warn  the roles trust ${GITHUB_REPOSITORY_NAME} by name, not by its id: run 'make bootstrap' and 'make github' with gh logged in"
  else
    problem "GitHub OIDC subject template is ${subject}, but the roles trust the default subject: run 'make bootstrap', then 'make github REVIEWERS=...'"
  fi
}

"$fast" || echo "Checking what deploying {{ cookiecutter.project_slug }} needs:"
check_tools
"$fast" || check_git_remote
if check_identity; then
  "$fast" || check_region
  check_state_bucket
  check_ecr_repository
{% if cookiecutter.https == 'acm-route53' %}
  "$fast" || check_hosted_zone "{{ cookiecutter.route53_zone }}"
{% endif %}
  "$fast" || check_github
fi

if ((problems > 0)); then
  echo "${problems} problem(s) found: fix them and run 'make doctor' again." >&2
  exit 1
fi
"$fast" || echo "All good: 'make deploy ENV=staging' can run."
