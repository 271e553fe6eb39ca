# shellcheck shell=bash
# The GitHub side of deploying, shared by `make github`, `make doctor` and `make bootstrap`:
# sourced after common.sh, never run on its own. Settings come from deploy.mk
# (GITHUB_REPOSITORY_NAME, PROJECT).

# Claims the repository's OIDC subject carries once `make github` has set its template: its
# immutable id, the job's environment or ref, and the workflow file (see
# terraform/bootstrap/github_oidc.tf). Read by the scripts that source this file.
# shellcheck disable=SC2034
readonly OIDC_SUBJECT_CLAIMS='["repository_id","context","job_workflow_ref"]'
readonly GITHUB_TFVARS="${BOOTSTRAP_DIR}/github.auto.tfvars"

gh_ready() {
  command -v gh >/dev/null && gh auth status >/dev/null 2>&1
}

# The repository id bootstrap's trust policies name, or nothing.
recorded_repository_id() {
  [[ -f "$GITHUB_TFVARS" ]] || return 0
  sed -n 's/^github_repository_id *= *\([0-9][0-9]*\).*/\1/p' "$GITHUB_TFVARS"
}

record_repository_id() {
  printf '%s\n' \
    "# Written by \`make bootstrap\` and \`make github\`: the roles trust this repository by its" \
    "# immutable id (gh api repos/${GITHUB_REPOSITORY_NAME} --jq .id). Commit it." \
    "github_repository_id = $1" >"$GITHUB_TFVARS"
}

# The owner/name that git remote origin points at on GitHub, or nothing without an origin.
origin_repository() {
  local remote
  remote=$(git remote get-url origin 2>/dev/null) || return 0
  remote=${remote%.git}
  echo "${remote#*github.com[:/]}"
}

# True when origin is the repository the roles trust (GitHub compares names case-blind).
origin_is_trusted_repository() {
  [[ "$(tr '[:upper:]' '[:lower:]' <<<"$1")" == "$(tr '[:upper:]' '[:lower:]' <<<"$GITHUB_REPOSITORY_NAME")" ]]
}

# The message for an origin that is not the trusted repository.
untrusted_origin() {
  echo "git remote origin is $1, but the deploy roles trust ${GITHUB_REPOSITORY_NAME}: regenerate with the right github_repository, or fix the remote"
}

# What to do in GitHub by hand, for a machine without gh.
print_github_steps() {
  cat <<STEPS
In GitHub, ${GITHUB_REPOSITORY_NAME}, Settings:
  1. Environments > New environment "staging": Deployment branches and tags > Selected
     branches and tags > add the branch rule "main". Add the variable AWS_ROLE_ARN =
     $(bootstrap_output_entry deploy_role_arns staging)
  2. Environments > New environment "production": Required reviewers (the people who approve
     releases), "Prevent self-review" on; Deployment branches and tags > Selected branches and
     tags > add the tag rule "v*". Add the variable AWS_ROLE_ARN =
     $(bootstrap_output_entry deploy_role_arns production)
  3. Secrets and variables > Actions > Variables > New repository variable
     AWS_PUBLISHER_ROLE_ARN = $(terraform -chdir="$BOOTSTRAP_DIR" output -raw image_publisher_role_arn)
Without gh the roles trust the repository by its name: if it were deleted and another one
created under that name, its workflows could assume them. With gh installed and logged in,
'make bootstrap' and 'make github' make them trust its immutable id instead.
STEPS
}
