#!/usr/bin/env bash
# Set up the GitHub side of deploying, with gh (the GitHub CLI), logged in as an administrator
# of the repository; run it after `make bootstrap`, and again whenever you like: it changes only
# what differs.
#   - environment staging, deployable from main only; environment production, from v* tags
#     only, with required reviewers (REVIEWERS) who may not approve their own deploys;
#   - the variables the deploy workflow assumes its roles with: AWS_ROLE_ARN in each
#     environment, AWS_PUBLISHER_ROLE_ARN in the repository;
#   - the repository's OIDC subject template, so that tokens carry its immutable id and the
#     workflow file, which the roles trust (terraform/bootstrap/github_oidc.tf).
# Without gh it prints the same steps to do by hand.
#   REVIEWERS=alice,acme/platform scripts/github.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
# shellcheck source=scripts/github_common.sh
source scripts/github_common.sh
require_settings AWS_REGION PROJECT TERRAFORM_DIR GITHUB_REPOSITORY_NAME

repository=$GITHUB_REPOSITORY_NAME
fetch_bootstrap_state || fail "no bootstrap state in s3://$(state_bucket)/bootstrap/: run 'make bootstrap' first"

if ! command -v gh >/dev/null; then
  print_github_steps
  fail "gh (the GitHub CLI) not found: do the steps above by hand, or install gh (https://cli.github.com), run 'gh auth login' and 'make github' again"
fi
gh auth status >/dev/null 2>&1 || fail "gh is not logged in: run 'gh auth login', then 'make github' again"
[[ -n "${REVIEWERS:-}" ]] ||
  fail "REVIEWERS is required: the GitHub users and teams (org/team) who approve production deploys, e.g. make github REVIEWERS=alice,acme/platform"

read -r full_name repository_id admin < <(
  gh api "repos/${repository}" --jq '[.full_name, .id, .permissions.admin] | @tsv' 2>/dev/null
) || fail "cannot read ${repository} with gh: does it exist, and may $(gh api user --jq .login 2>/dev/null || echo you) see it?"
[[ "$full_name" == "$repository" ]] ||
  fail "GitHub names the repository ${full_name}, not ${repository}: OIDC subjects are case-sensitive, so set github_repository to ${full_name} (deploy.mk, terraform/variables.tf, terraform/bootstrap/variables.tf) and run 'make bootstrap' again"
[[ "$admin" == true ]] || fail "you are not an administrator of ${repository}: environments and variables need one"
if [[ "$(recorded_repository_id)" != "$repository_id" ]]; then
  record_repository_id "$repository_id"
  fail "recorded the id of ${repository} (${repository_id}) in ${GITHUB_TFVARS}: run 'make bootstrap' so that the roles trust it, commit the file, then 'make github' again"
fi

# REVIEWERS as the API wants them: [{"type":"User","id":1},{"type":"Team","id":2}].
reviewers=""
IFS=',' read -r -a names <<<"$REVIEWERS"
for name in "${names[@]}"; do
  name=${name// /}
  if [[ "$name" == */* ]]; then
    id=$(gh api "orgs/${name%%/*}/teams/${name#*/}" --jq .id 2>/dev/null) ||
      fail "reviewer team ${name} not found (give org/team-slug)"
    reviewers+="${reviewers:+,}{\"type\":\"Team\",\"id\":${id}}"
  else
    id=$(gh api "users/${name}" --jq .id 2>/dev/null) || fail "reviewer ${name} is not a GitHub user"
    reviewers+="${reviewers:+,}{\"type\":\"User\",\"id\":${id}}"
  fi
done

# Exactly one deployment rule: $3 ("branch" or "tag") named $2.
allow_only() {
  local environment=$1 name=$2 type=$3 id kind rule found=false
  while read -r id kind rule; do
    [[ -n "$id" ]] || continue
    if [[ "$kind" == "$type" && "$rule" == "$name" ]]; then
      found=true
    else
      gh api --method DELETE "repos/${repository}/environments/${environment}/deployment-branch-policies/${id}" >/dev/null
    fi
  done < <(gh api "repos/${repository}/environments/${environment}/deployment-branch-policies" \
    --jq '.branch_policies[] | "\(.id) \(.type) \(.name)"')
  "$found" || gh api --method POST "repos/${repository}/environments/${environment}/deployment-branch-policies" \
    -f name="$name" -f type="$type" >/dev/null
}

custom_rules='"deployment_branch_policy":{"protected_branches":false,"custom_branch_policies":true}'
gh api --method PUT "repos/${repository}/environments/staging" --input - >/dev/null <<<"{${custom_rules}}"
allow_only staging main branch
echo "staging: deployable from main only"

gh api --method PUT "repos/${repository}/environments/production" --input - >/dev/null \
  <<<"{\"prevent_self_review\":true,\"reviewers\":[${reviewers}],${custom_rules}}"
allow_only production 'v*' tag
echo "production: deployable from v* tags only, approved by ${REVIEWERS} (never by the person who started the deploy)"

for environment in staging production; do
  gh variable set AWS_ROLE_ARN --repo "$repository" --env "$environment" \
    --body "$(bootstrap_output_entry deploy_role_arns "$environment")" >/dev/null
done
gh variable set AWS_PUBLISHER_ROLE_ARN --repo "$repository" \
  --body "$(terraform -chdir="$BOOTSTRAP_DIR" output -raw image_publisher_role_arn)" >/dev/null
echo "variables: AWS_ROLE_ARN in each environment, AWS_PUBLISHER_ROLE_ARN in the repository"

gh api --method PUT "repos/${repository}/actions/oidc/customization/sub" --input - >/dev/null \
  <<<"{\"use_default\":false,\"include_claim_keys\":${OIDC_SUBJECT_CLAIMS}}"
echo "OIDC tokens carry the repository's id (${repository_id}) and the workflow file: the roles trust those"
echo "GitHub is set up: a push to main deploys to staging, a v* tag to production once approved."
