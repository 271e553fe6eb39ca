# What the workload roles may do with the environment's items table: read and write its records
# (the app, as its task role: modules/service/table_access.tf), with the environment's key used
# through DynamoDB only.

data "aws_iam_policy_document" "workload_table" {
  for_each = module.environment_names

  statement {
    sid = "ReadAndWriteTheItems"
    # What table.py calls: TransactWriteItems is authorized as the puts and deletes it holds.
    actions = [
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Scan",
    ]
    resources = [each.value.table.arn]
  }

  statement {
    sid       = "UseTheKeyThroughDynamoDB"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }
}
