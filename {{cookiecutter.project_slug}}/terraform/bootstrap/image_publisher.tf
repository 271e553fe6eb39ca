# The only role that pushes images, and only the deploy workflow's build job on main can assume
# it: an image reaches an environment only if CI built it from main (or an administrator's own
# credentials pushed it, see docs/operations.md). It also records which images the
# environments ran (deployed-<env>-<time> tags), which protects them from expiry.
resource "aws_iam_role" "image_publisher" {
  name                 = module.names.image_publisher_role
  description          = "Builds and pushes ${var.project}'s images from the deploy workflow on main of ${var.github_repository}"
  max_session_duration = 3600
  assume_role_policy   = data.aws_iam_policy_document.github_trust["image_publisher"].json

  # IAM refuses a trust policy naming an identity provider that does not exist yet.
  depends_on = [aws_iam_openid_connect_provider.github]
}

data "aws_iam_policy_document" "image_publisher" {
  statement {
    sid       = "AuthenticateToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushImagesAndTheBuildCache"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [module.names.ecr_repository_arn, module.names.build_cache_repository_arn]
  }
}

resource "aws_iam_role_policy" "image_publisher" {
  name   = "push-images"
  role   = aws_iam_role.image_publisher.id
  policy = data.aws_iam_policy_document.image_publisher.json
}
