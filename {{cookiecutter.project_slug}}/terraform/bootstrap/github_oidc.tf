# GitHub Actions jobs assume the roles with their OIDC token; nothing holds AWS keys.

resource "aws_iam_openid_connect_provider" "github" {
  count = var.github_oidc_provider_arn == null ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

locals {
  # Known before the provider exists, so that the trust policies are whole in a plan.
  github_oidc_provider_arn = coalesce(var.github_oidc_provider_arn, module.names.github_oidc_provider_arn)
  deploy_workflow          = "${var.github_repository}/.github/workflows/deploy.yml"

  # The `sub` claim of the only job each role trusts. By default GitHub names the repository;
  # once `make github` has recorded github_repository_id and set the repository's subject
  # template, the claim carries the repository's immutable id (a repository deleted and
  # created again under the same name gets another one) and the workflow file the job runs.
  github_subjects = var.github_repository_id == null ? merge(
    { image_publisher = "repo:${var.github_repository}:ref:refs/heads/main" },
    { for environment in var.environments : environment => "repo:${var.github_repository}:environment:${environment}" },
    ) : merge(
    { image_publisher = "repository_id:${var.github_repository_id}:ref:refs/heads/main:job_workflow_ref:${local.deploy_workflow}@refs/heads/main" },
    {
      for environment in var.environments : environment => (
        environment == "production"
        ? "repository_id:${var.github_repository_id}:environment:production:job_workflow_ref:${local.deploy_workflow}@refs/tags/v*"
        : "repository_id:${var.github_repository_id}:environment:${environment}:job_workflow_ref:${local.deploy_workflow}@refs/heads/main"
      )
    },
  )
}

data "aws_iam_policy_document" "github_trust" {
  # checkov:skip=CKV_AWS_358: the subjects are computed (locals above), which a static scan cannot read; the scan of the plan checks the trust policies they resolve to
  for_each = local.github_subjects

  statement {
    sid     = each.key == "image_publisher" ? "TheBuildJobOnMain" : "JobsInThe${title(each.key)}Environment"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Production's jobs run on a v* tag, whichever: the only wildcard, and the last part.
    condition {
      test     = strcontains(each.value, "*") ? "StringLike" : "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [each.value]
    }
  }
}
