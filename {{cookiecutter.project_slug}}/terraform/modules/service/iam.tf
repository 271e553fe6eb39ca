data "aws_caller_identity" "current" {}

locals {
  # Built from the names, not read from the log groups, so that the roles' policies are known
  # at plan time.
  log_group_arn      = "arn:aws:logs:${var.aws_region}:${data.aws_caller_identity.current.account_id}:log-group:${var.log_group_name}"
  exec_log_group_arn = "arn:aws:logs:${var.aws_region}:${data.aws_caller_identity.current.account_id}:log-group:${var.exec_log_group_name}"

  # Every key of the account here: each statement naming it holds it to the environment's key
  # by its Environment tag, which is known at plan time where the key's ARN is not.
  kms_keys_arn = "arn:aws:kms:${var.aws_region}:${data.aws_caller_identity.current.account_id}:key/*"
}

# The roles are bootstrap's (a deploy creates no role, see terraform/bootstrap); their policies
# are the stack's, within the boundary bootstrap put on them.

# The ECS agent's: pull the image and write the containers' logs.
resource "aws_iam_role_policy" "execution" {
  name   = "pull-image-write-logs"
  role   = var.execution_role_name
  policy = data.aws_iam_policy_document.execution.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "AuthenticateToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PullTheServiceImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid       = "WriteContainerLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }
}
