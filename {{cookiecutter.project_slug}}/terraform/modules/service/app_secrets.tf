# Secrets the app container gets as environment variables (var.secrets). The ECS agent reads
# them from Secrets Manager as the task starts (the execution role), so their values never pass
# through Terraform's state, its variables or the task definition. The workload boundary lets
# the roles read only secrets tagged with this environment.

locals {
  app_secrets = [for name, value_from in var.secrets : { name = name, valueFrom = value_from }]

  # The secrets' own ARNs: ECS may name a JSON key, version stage and version id after one.
  app_secret_arns = distinct([for value_from in values(var.secrets) : join(":", slice(split(":", value_from), 0, 7))])
}

resource "aws_iam_role_policy" "read_app_secrets" {
  count = length(var.secrets) > 0 ? 1 : 0

  name   = "read-the-app-secrets"
  role   = var.execution_role_name
  policy = data.aws_iam_policy_document.read_app_secrets[0].json
}

data "aws_iam_policy_document" "read_app_secrets" {
  count = length(var.secrets) > 0 ? 1 : 0

  statement {
    sid       = "ReadTheAppSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.app_secret_arns
  }

  # A secret encrypted with the environment's key (rather than AWS's own) is decrypted for
  # Secrets Manager only.
  statement {
    sid       = "DecryptThemThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = [local.kms_keys_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [var.environment]
    }
  }
}
