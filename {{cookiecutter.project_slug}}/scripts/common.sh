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

readonly BOOTSTRAP_DIR="${TERRAFORM_DIR:-terraform}/bootstrap"

# Bootstrap keeps its state in the bucket it created (bootstrap/terraform.tfstate, which no
# deploy role may read): copy it here, so that this machine starts from it.
fetch_bootstrap_state() {
  local saved
  saved="s3://$(state_bucket)/bootstrap/terraform.tfstate"
  aws s3 ls "$saved" >/dev/null 2>&1 || return 1
  aws s3 cp --quiet "$saved" "${BOOTSTRAP_DIR}/terraform.tfstate" ||
    fail "cannot read the saved bootstrap state ${saved}"
}

# One value of a map output of bootstrap: bootstrap_output_entry deploy_role_arns staging.
bootstrap_output_entry() {
  terraform -chdir="$BOOTSTRAP_DIR" output -json "$1" | sed -n "s/.*\"$2\": *\"\([^\"]*\)\".*/\1/p"
}

# What touches production by hand (pause, resume, a shell) asks for its name again, unless
# CONFIRM=production says it already: confirm_production ENV "pauses production".
confirm_production() {
  local environment=$1 action=$2 confirmation=${CONFIRM:-}
  [[ "$environment" == production ]] || return 0
  if [[ -z "$confirmation" ]]; then
    [[ -t 0 ]] || fail "production left as it was: confirm with CONFIRM=production"
    read -r -p "This ${action}. Type production to go on: " confirmation
  fi
  [[ "$confirmation" == production ]] || fail "production left as it was: '${confirmation}' is not 'production'"
}

# The scalable target of the environment's service, as Application Auto Scaling names it.
scalable_target() {
  echo "service/$(terraform_output cluster_name)/$(terraform_output service_name)"
}

# "True" while `make pause` holds the service at no task: it suspends scheduled scaling too, so
# that office hours do not start it again.
paused_by_make_pause() {
  aws application-autoscaling describe-scalable-targets --service-namespace ecs \
    --resource-ids "$(scalable_target)" --output text \
    --query 'ScalableTargets[0].SuspendedState.ScheduledScalingSuspended'
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

# Read by the scripts that source this file.
# shellcheck disable=SC2034
readonly DIGEST_PATTERN='^sha256:[0-9a-f]{64}$'
# For the Terraform runs that need some digest and run no image: a plan before the first build,
# a destroy.
# shellcheck disable=SC2034
readonly PLACEHOLDER_DIGEST="sha256:0000000000000000000000000000000000000000000000000000000000000000"

# What GET /info reports as the version (APP_VERSION): the image's tag (its commit) and digest.
app_version() {
  local tag=$1 digest=$2
  printf '%s@%s' "$tag" "$digest"
}

# The digest the tag names in ECR, or nothing when no image has the tag; any other error stops
# the script.
image_digest() {
  local tag=$1 output
  if output=$(aws ecr describe-images --repository-name "$ECR_REPOSITORY" \
    --image-ids "imageTag=${tag}" --query 'imageDetails[0].imageDigest' --output text 2>&1); then
    echo "$output"
    return
  fi
  [[ "$output" == *ImageNotFoundException* ]] ||
    fail "cannot look up image ${tag} in ECR repository ${ECR_REPOSITORY}: ${output}"
}

# The tags of the image with this digest, one a line; stops the script when there is none.
image_tags() {
  local digest=$1 output
  output=$(aws ecr describe-images --repository-name "$ECR_REPOSITORY" \
    --image-ids "imageDigest=${digest}" --query 'imageDetails[0].imageTags' --output text 2>&1) ||
    fail "image ${digest} is not in ECR repository ${ECR_REPOSITORY}: ${output}"
  tr '\t' '\n' <<<"$output"
}

# Give the image with this digest one more tag. ECR tags are immutable: this adds, never moves.
tag_image() {
  local digest=$1 tag=$2 manifest media_type
  read -r media_type < <(aws ecr batch-get-image --repository-name "$ECR_REPOSITORY" \
    --image-ids "imageDigest=${digest}" --query 'images[0].imageManifestMediaType' --output text)
  manifest=$(aws ecr batch-get-image --repository-name "$ECR_REPOSITORY" \
    --image-ids "imageDigest=${digest}" --query 'images[0].imageManifest' --output text)
  quietly aws ecr put-image --repository-name "$ECR_REPOSITORY" --image-tag "$tag" \
    --image-digest "$digest" --image-manifest "$manifest" --image-manifest-media-type "$media_type" ||
    fail "cannot tag image ${digest} as ${tag} in ECR repository ${ECR_REPOSITORY} (output above)"
}
