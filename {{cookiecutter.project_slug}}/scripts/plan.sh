#!/usr/bin/env bash
# Show what `make deploy` would change in one environment, without changing anything.
# The plan is saved as terraform/ENV.tfplan for `terraform show`.
#   scripts/plan.sh ENV [IMAGE_TAG]    IMAGE_TAG defaults to the current commit
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT TERRAFORM_DIR
image_tag=${2:-$(current_commit)}

terraform_init "$environment"
terraform -chdir="$TERRAFORM_DIR" plan -input=false -lock-timeout=5m \
  -var-file="environments/${environment}.tfvars" -var="image_tag=${image_tag}" \
  -out="${environment}.tfplan"
