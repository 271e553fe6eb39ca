#!/usr/bin/env bash
# Create what every deploy relies on, once per AWS account (terraform/bootstrap): the Terraform
# state bucket, the ECR repositories, the image publisher role, and per environment the deploy
# role, the workload roles and their boundary.
# Terraform asks before applying; AUTO_APPROVE=1 skips the question.
#
# Bootstrap's own state cannot live in a bucket that does not exist yet, so it is kept on
# this machine and, once the bucket exists, copied into it (bootstrap/terraform.tfstate, where
# no deploy role may read): a later `make bootstrap` from any machine starts from that copy.
# With gh logged in, the roles trust the GitHub repository by its immutable id, which is
# recorded first in terraform/bootstrap/github.auto.tfvars.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
# shellcheck source=scripts/github_common.sh
source scripts/github_common.sh
require_settings AWS_REGION PROJECT TERRAFORM_DIR GITHUB_REPOSITORY_NAME

# The roles bootstrap creates trust GITHUB_REPOSITORY_NAME: refuse to make them for a clone of
# another repository.
origin=$(origin_repository)
if [[ -z "$origin" ]]; then
  echo "warning: no git remote 'origin' yet; the roles will trust ${GITHUB_REPOSITORY_NAME}" >&2
elif ! origin_is_trusted_repository "$origin"; then
  fail "$(untrusted_origin "$origin")"
fi

state_file="${BOOTSTRAP_DIR}/terraform.tfstate"
repository_id=""
approve=()
[[ "${AUTO_APPROVE:-}" == 1 ]] && approve=(-auto-approve)

if fetch_bootstrap_state; then
  echo "Starting from the bootstrap state saved in s3://$(state_bucket)/bootstrap/terraform.tfstate"
fi

if gh_ready && repository_id=$(gh api "repos/${GITHUB_REPOSITORY_NAME}" --jq .id 2>/dev/null); then
  if [[ "$(recorded_repository_id)" != "$repository_id" ]]; then
    record_repository_id "$repository_id"
    echo "Recorded the id of ${GITHUB_REPOSITORY_NAME} (${repository_id}) in ${GITHUB_TFVARS}: the roles trust it"
  fi
fi

quietly terraform -chdir="$BOOTSTRAP_DIR" init -input=false ||
  fail "terraform init in ${BOOTSTRAP_DIR} failed (output above)"
# ${approve[@]+...}: an empty array is "unbound" to bash 3.2 (macOS) under set -u.
terraform -chdir="$BOOTSTRAP_DIR" apply -input=false ${approve[@]+"${approve[@]}"}
saved_state="s3://$(state_bucket)/bootstrap/terraform.tfstate"
aws s3 cp --quiet "$state_file" "$saved_state" ||
  fail "bootstrap applied, but its state could not be saved to ${saved_state}: keep ${state_file}"

# The stack's provider lock file, next to bootstrap's: both belong in the repository, so that
# every run, here and in CI, uses the same provider build.
quietly terraform -chdir="$TERRAFORM_DIR" init -input=false -backend=false ||
  fail "terraform init in ${TERRAFORM_DIR} failed (output above)"

echo
echo "Bootstrap done. Commit what it wrote, if git lists it:"
echo "  git add ${TERRAFORM_DIR}/.terraform.lock.hcl ${BOOTSTRAP_DIR}/.terraform.lock.hcl${repository_id:+ ${GITHUB_TFVARS}} && git commit -m 'Lock Terraform providers'"
echo
if gh_ready; then
  echo "Next, set up the GitHub side (environments, reviewers, role variables):"
  echo "  make github REVIEWERS=<GitHub users or org/team who approve production deploys>"
else
  print_github_steps
fi
