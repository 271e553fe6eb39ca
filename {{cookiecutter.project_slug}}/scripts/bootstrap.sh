#!/usr/bin/env bash
# Create what every deploy relies on, once per AWS account: the Terraform state bucket, the
# ECR repository and the GitHub Actions deploy roles (terraform/bootstrap).
# Terraform asks before applying; AUTO_APPROVE=1 skips the question.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
require_settings AWS_REGION TERRAFORM_DIR

bootstrap_dir="${TERRAFORM_DIR}/bootstrap"
approve=()
[[ "${AUTO_APPROVE:-}" == 1 ]] && approve=(-auto-approve)

quietly terraform -chdir="$bootstrap_dir" init -input=false ||
  fail "terraform init in ${bootstrap_dir} failed (output above)"
terraform -chdir="$bootstrap_dir" apply -input=false "${approve[@]}"

echo
echo "Bootstrap done. In GitHub, Settings > Environments, create 'staging' and 'production'"
echo "(production with required reviewers) and give each the variable AWS_ROLE_ARN:"
terraform -chdir="$bootstrap_dir" output deploy_role_arns
