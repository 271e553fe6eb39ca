# Encrypts the state files and the images. Deploy roles may only use it (deploy_roles.tf): a
# role that could tag it, grant on it or change its policy could lock every environment out.
resource "aws_kms_key" "bootstrap" {
  description             = "Encrypts the Terraform state and the images of ${var.project}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.bootstrap_key.json
}

data "aws_iam_policy_document" "bootstrap_key" {
  # checkov:skip=CKV_AWS_109: a key policy: Resource "*" is this key, and the account statement (AWS's default) leaves its use to IAM policies
  # checkov:skip=CKV_AWS_111: a key policy: Resource "*" is this key, and the account statement (AWS's default) leaves its use to IAM policies
  # checkov:skip=CKV_AWS_356: a key policy: Resource "*" is this key, and the account statement (AWS's default) leaves its use to IAM policies
  statement {
    sid       = "AccountAdministersTheKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_alias" "bootstrap" {
  name          = module.names.bootstrap_key_alias
  target_key_id = aws_kms_key.bootstrap.key_id
}
