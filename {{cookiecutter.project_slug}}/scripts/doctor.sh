#!/usr/bin/env bash
# Preflight for deploying: tools, AWS credentials, region and what `make bootstrap` creates.
# Reports every problem, one line each with its fix, then exits 1 if there was any.
#   scripts/doctor.sh          full report (make doctor)
#   scripts/doctor.sh --fast   only the checks a deploy needs, silent unless one fails
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
require_settings AWS_REGION PROJECT ECR_REPOSITORY CONTAINER_CLI

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
  if ! "$fast"; then
    if command -v "$CONTAINER_CLI" >/dev/null; then
      ok "container CLI: ${CONTAINER_CLI}"
    else
      problem "${CONTAINER_CLI} not found: install Docker, or set CONTAINER_CLI=podman"
    fi
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

"$fast" || echo "Checking what deploying {{ cookiecutter.project_slug }} needs:"
check_tools
if check_identity; then
  "$fast" || check_region
  check_state_bucket
  check_ecr_repository
{% if cookiecutter.https == 'acm-route53' %}
  "$fast" || check_hosted_zone "{{ cookiecutter.route53_zone }}"
{% endif %}
fi

if ((problems > 0)); then
  echo "${problems} problem(s) found: fix them and run 'make doctor' again." >&2
  exit 1
fi
"$fast" || echo "All good: 'make deploy ENV=staging' can run."
