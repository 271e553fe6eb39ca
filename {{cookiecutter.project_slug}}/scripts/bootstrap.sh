#!/usr/bin/env bash
# Create what every deploy relies on, once per AWS account: the Terraform state bucket, the
# ECR repository and the GitHub Actions deploy roles (terraform/bootstrap).
# Terraform asks before applying; AUTO_APPROVE=1 skips the question.
#
# Bootstrap's own state cannot live in a bucket that does not exist yet, so it is kept on
# this machine and, once the bucket exists, copied into it (bootstrap/terraform.tfstate, where
# no deploy role may read): a later `make bootstrap` from any machine starts from that copy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
require_settings AWS_REGION PROJECT TERRAFORM_DIR

bootstrap_dir="${TERRAFORM_DIR}/bootstrap"
state_file="${bootstrap_dir}/terraform.tfstate"
approve=()
[[ "${AUTO_APPROVE:-}" == 1 ]] && approve=(-auto-approve)

saved_state="s3://$(state_bucket)/bootstrap/terraform.tfstate"
if aws s3 ls "$saved_state" >/dev/null 2>&1; then
  aws s3 cp --quiet "$saved_state" "$state_file" ||
    fail "cannot read the saved bootstrap state ${saved_state}"
  echo "Starting from the bootstrap state saved in ${saved_state}"
fi

quietly terraform -chdir="$bootstrap_dir" init -input=false ||
  fail "terraform init in ${bootstrap_dir} failed (output above)"
# ${approve[@]+...}: an empty array is "unbound" to bash 3.2 (macOS) under set -u.
terraform -chdir="$bootstrap_dir" apply -input=false ${approve[@]+"${approve[@]}"}
aws s3 cp --quiet "$state_file" "$saved_state" ||
  fail "bootstrap applied, but its state could not be saved to ${saved_state}: keep ${state_file}"

# The stack's provider lock file, next to bootstrap's: both belong in the repository, so that
# every run, here and in CI, uses the same provider build.
quietly terraform -chdir="$TERRAFORM_DIR" init -input=false -backend=false ||
  fail "terraform init in ${TERRAFORM_DIR} failed (output above)"

echo
echo "Bootstrap done. Commit the provider lock files if git lists them:"
echo "  git add ${TERRAFORM_DIR}/.terraform.lock.hcl ${bootstrap_dir}/.terraform.lock.hcl && git commit -m 'Lock Terraform providers'"
echo
echo "In GitHub, Settings > Environments, create 'staging' and 'production'"
echo "(production with required reviewers) and give each the variable AWS_ROLE_ARN:"
terraform -chdir="$bootstrap_dir" output deploy_role_arns
