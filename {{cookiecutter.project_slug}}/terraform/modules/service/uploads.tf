# The app signs uploads of the items' files to the environment's bucket: what a presigned POST
# may do is what its signer, the task role, may do. Objects under items/ only, encrypted with the
# environment's key through S3 only.
resource "aws_iam_role_policy" "uploads" {
  name   = "sign-uploads"
  role   = var.task_role_name
  policy = data.aws_iam_policy_document.uploads.json
}

data "aws_iam_policy_document" "uploads" {
  statement {
    sid       = "PutTheItemsFiles"
    actions   = ["s3:PutObject"]
    resources = ["${var.assets_bucket_arn}/items/*"]
  }

  # The environment's key, known by its tag (its ARN only once it exists).
  statement {
    sid       = "EncryptThemThroughS3"
    actions   = ["kms:GenerateDataKey"]
    resources = [local.kms_keys_arn]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [var.environment]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.aws_region}.amazonaws.com"]
    }
  }
}
