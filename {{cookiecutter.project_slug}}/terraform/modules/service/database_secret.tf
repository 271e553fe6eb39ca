# ECS reads the database password from its secret into the containers at start (the execution
# role); the service reads it again after RDS rotates it (the task role). Both read that one
# secret, decrypted with the environment's key through Secrets Manager only. The secret is
# known by the tag RDS gives it (its database's ARN; nobody else can set a tag under aws:), the
# key by the environment's tag: both are known at plan time, the ARNs only once they exist.
resource "aws_iam_role_policy" "read_database_secret" {
  for_each = {
    execution = var.execution_role_name
    task      = var.task_role_name
  }

  name   = "read-the-database-secret"
  role   = each.value
  policy = data.aws_iam_policy_document.read_database_secret.json
}

data "aws_iam_policy_document" "read_database_secret" {
  statement {
    sid       = "ReadTheDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:aws:secretsmanager:${var.aws_region}:${data.aws_caller_identity.current.account_id}:secret:rds!*"]

    condition {
      test     = "StringEquals"
      variable = var.database_secret_owner_condition_key
      values   = [var.database_arn]
    }
  }

  statement {
    sid       = "DecryptItThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = ["arn:aws:kms:${var.aws_region}:${data.aws_caller_identity.current.account_id}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [var.environment]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
    }
  }
}
