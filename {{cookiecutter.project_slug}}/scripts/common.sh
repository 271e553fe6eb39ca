# shellcheck shell=bash
# Helpers the deploy scripts share: sourced by them, never run on its own.
# deploy.mk exports the settings they read (AWS_REGION, ECR_REPOSITORY, TERRAFORM_DIR, ...).

# Stop with one line saying what is wrong and how to fix it.
fail() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Every per-environment script checks its ENV argument first, before any AWS call.
require_environment() {
  case "${1:-}" in
    staging | production) ;;
    "") fail "ENV is required: add ENV=staging or ENV=production" ;;
    *) fail "ENV must be staging or production, not '$1'" ;;
  esac
}

require_settings() {
  local name
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || fail "$name is not set: run this through make (deploy.mk sets it)"
  done
}

# Run a command quietly; show its output only if it fails.
quietly() {
  local log status=0
  log=$(mktemp)
  "$@" >"$log" 2>&1 || status=$?
  if ((status != 0)); then
    cat "$log" >&2
  fi
  rm -f "$log"
  return "$status"
}

# The bucket terraform/bootstrap created for this account's state, unless STATE_BUCKET names one.
state_bucket() {
  if [[ -n "${STATE_BUCKET:-}" ]]; then
    echo "$STATE_BUCKET"
    return
  fi
  local account
  account=$(aws sts get-caller-identity --query Account --output text) ||
    fail "no working AWS credentials: run 'aws sso login' or set AWS_PROFILE"
  echo "${PROJECT}-tfstate-${account}"
}

# One working directory serves both environments, so every run re-points it (-reconfigure)
# at the environment's state before reading or changing anything.
terraform_init() {
  local environment=$1 bucket
  bucket=$(state_bucket)
  quietly terraform -chdir="$TERRAFORM_DIR" init -input=false -reconfigure \
    -backend-config="environments/${environment}.backend.hcl" -backend-config="bucket=${bucket}" ||
    fail "terraform init for ${environment} failed (output above)"
}

terraform_output() {
  terraform -chdir="$TERRAFORM_DIR" output -raw "$1"
}

# The commit the image is built from and tagged with.
current_commit() {
  git rev-parse --verify HEAD 2>/dev/null || fail "no git commit yet: commit your code first"
}

# True when the tag is in ECR; any error other than "not found" stops the script.
image_in_ecr() {
  local tag=$1 output
  if output=$(aws ecr describe-images --repository-name "$ECR_REPOSITORY" \
    --image-ids "imageTag=${tag}" --query 'imageDetails[0].imageDigest' --output text 2>&1); then
    return 0
  fi
  [[ "$output" == *ImageNotFoundException* ]] && return 1
  fail "cannot look up image ${tag} in ECR repository ${ECR_REPOSITORY}: ${output}"
}
