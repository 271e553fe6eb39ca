#!/usr/bin/env bash
# Show what `make deploy` would change in one environment, without changing anything.
# The plan is saved as terraform/ENV.tfplan for `terraform show`.
#   scripts/plan.sh ENV [IMAGE_TAG]    IMAGE_TAG defaults to the current commit
# Before the commit's image is in ECR (its first deploy builds it), the plan runs with a
# placeholder digest and says so.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT ECR_REPOSITORY TERRAFORM_DIR
image_tag=${2:-$(current_commit)}
digest=$(image_digest "$image_tag")
if [[ -z "$digest" ]]; then
  digest=$PLACEHOLDER_DIGEST
  echo "Image ${image_tag} is not in ECR yet (a deploy to staging builds it): planning with the placeholder digest ${digest}." >&2
fi

terraform_init "$environment"
terraform -chdir="$TERRAFORM_DIR" plan -input=false -lock-timeout=5m \
  -var-file="environments/${environment}.tfvars" -var="image_digest=${digest}" \
  -var="app_version=$(app_version "$image_tag" "$digest")" -out="${environment}.tfplan"
