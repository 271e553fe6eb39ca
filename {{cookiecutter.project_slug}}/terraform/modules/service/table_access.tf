# The app reads and writes the items table's records, and nothing else of it: no scan of
# another table, no change to its settings, no restore, no export. The table is encrypted
# with the environment's key, which the task role uses through DynamoDB only.
resource "aws_iam_role_policy" "table_access" {
  name   = "read-and-write-the-items-table"
  role   = var.task_role_name
  policy = data.aws_iam_policy_document.table_access.json
}

data "aws_iam_policy_document" "table_access" {
  statement {
    sid = "ReadAndWriteTheItems"
    # What table.py calls: TransactWriteItems is authorized as the puts and deletes it holds.
    actions = [
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Scan",
    ]
    resources = [var.items_table_arn]
  }

  # The environment's key, known by its tag (its ARN only once it exists).
  statement {
    sid       = "UseTheKeyThroughDynamoDB"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [local.kms_keys_arn]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [var.environment]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${var.aws_region}.amazonaws.com"]
    }
  }
}
