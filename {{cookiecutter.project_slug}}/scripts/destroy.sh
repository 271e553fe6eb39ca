#!/usr/bin/env bash
# Delete everything one environment runs on. The bootstrap resources (state bucket, ECR
# repository, deploy roles) stay. Asks for the environment name to be typed again, unless
# CONFIRM=ENV says it already.
#   scripts/destroy.sh ENV
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

environment=${1:-}
require_environment "$environment"
require_settings AWS_REGION PROJECT TERRAFORM_DIR

confirmation=${CONFIRM:-}
if [[ -z "$confirmation" ]]; then
  [[ -t 0 ]] || fail "nothing destroyed: confirm with CONFIRM=${environment}"
  read -r -p "This deletes the ${environment} environment and its data. Type ${environment} to go on: " confirmation
fi
[[ "$confirmation" == "$environment" ]] ||
  fail "nothing destroyed: '${confirmation}' is not '${environment}'"

terraform_init "$environment"
# The image does not matter to a destroy, but the variables have no default.
terraform -chdir="$TERRAFORM_DIR" destroy -input=false -auto-approve -lock-timeout=5m \
  -var-file="environments/${environment}.tfvars" -var="image_digest=${PLACEHOLDER_DIGEST}" \
  -var="app_version=$(app_version destroy "$PLACEHOLDER_DIGEST")"
echo "Destroyed ${environment}."
