# What the deploy roles need for the items table (modules/table): that table, by its name, and
# the environment's key for DynamoDB to encrypt it with.
data "aws_iam_policy_document" "deploy_database" {
  for_each = module.environment_names

  statement {
    sid = "KeepTheItemsTable"
    actions = [
      "dynamodb:CreateTable",
      "dynamodb:DeleteTable",
      "dynamodb:DescribeContinuousBackups",
      "dynamodb:DescribeTable",
      "dynamodb:DescribeTimeToLive",
      "dynamodb:ListTagsOfResource",
      "dynamodb:TagResource",
      "dynamodb:UntagResource",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:UpdateTable",
    ]
    resources = [each.value.table.arn]
  }

  # DynamoDB encrypts the table, its backups and its recovery points with the environment's
  # key, through a grant made with the caller's permissions.
  statement {
    sid = "LetDynamoDbUseTheEnvironmentsKey"
    actions = [
      "kms:CreateGrant",
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey",
    ]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${var.aws_region}.amazonaws.com"]
    }
  }
}
