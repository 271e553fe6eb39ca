# How the tasks reach the database as whom.
#
# The migrations connect as the master user: ECS reads its password from the secret RDS manages
# into the migrate container at start (the execution role), decrypted with the environment's
# key through Secrets Manager only. The secret is known by the tag RDS gives it (its database's
# ARN; nobody else can set a tag under aws:), the key by the environment's tag: both are known
# at plan time, the ARNs only once they exist.
#
# The app connects as the service's own role, which holds its tables' rows and nothing else,
# with an IAM authentication token (the task role): it has no password at all.
resource "aws_iam_role_policy" "read_database_secret" {
  name   = "read-the-database-secret"
  role   = var.execution_role_name
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
    resources = [local.kms_keys_arn]

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

resource "aws_iam_role_policy" "connect_to_the_database" {
  name   = "connect-to-the-database"
  role   = var.task_role_name
  policy = data.aws_iam_policy_document.connect_to_the_database.json
}

data "aws_iam_policy_document" "connect_to_the_database" {
  statement {
    sid       = "ConnectAsTheServicesOwnRole"
    actions   = ["rds-db:connect"]
    resources = ["arn:aws:rds-db:${var.aws_region}:${data.aws_caller_identity.current.account_id}:dbuser:${var.database_resource_id}/${var.database_app_user}"]
  }
}
