# What the workload roles may do with the environment's bucket of the items' files: put objects
# under items/ (the app signs uploads as its task role, modules/service/uploads.tf), encrypted
# with the environment's key through S3 only.

data "aws_iam_policy_document" "workload_object_storage" {
  for_each = module.environment_names

  statement {
    sid       = "PutTheItemsFiles"
    actions   = ["s3:PutObject"]
    resources = ["${each.value.object_storage.bucket_arn}/items/*"]
  }

  statement {
    sid       = "EncryptThemThroughS3"
    actions   = ["kms:GenerateDataKey"]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }
}
