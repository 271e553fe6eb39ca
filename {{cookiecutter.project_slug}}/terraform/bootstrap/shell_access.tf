# Who may open a shell in an environment's running app containers (`make shell`, ECS Exec, where
# the environment's tfvars turn it on): whoever holds its shell policy. Attach it to those people,
# or to their IAM Identity Center permission set, per environment. No role here holds it.

resource "aws_iam_policy" "shell" {
  for_each = module.environment_names

  name        = each.value.shell_policy
  description = "Open a shell in the app containers of ${var.project}'s ${each.key} environment (make shell)"
  policy      = data.aws_iam_policy_document.shell[each.key].json

  tags = {
    Environment = each.key
  }
}

data "aws_iam_policy_document" "shell" {
  for_each = module.environment_names

  # make shell finds the cluster and service in the environment's Terraform outputs.
  statement {
    sid       = "FindTheStateBucket"
    actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
    resources = [module.names.state_bucket_arn]
  }

  statement {
    sid       = "ReadThisEnvironmentsState"
    actions   = ["s3:GetObject"]
    resources = ["${module.names.state_bucket_arn}/${each.key}/*"]
  }

  statement {
    sid       = "DecryptTheStateThroughS3"
    actions   = ["kms:Decrypt"]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [module.names.bootstrap_key_alias]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.aws_region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "FindTheRunningTasks"
    actions   = ["ecs:DescribeServices", "ecs:DescribeTasks", "ecs:ListTasks"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = ["${local.arn.ecs}:cluster/${each.value.name}"]
    }
  }

  statement {
    sid       = "OpenAShellInTheAppContainer"
    actions   = ["ecs:ExecuteCommand"]
    resources = ["${local.arn.ecs}:cluster/${each.value.name}", "${local.arn.ecs}:task/${each.value.name}/*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:container-name"
      values   = ["app"]
    }
  }

  # The session's data key, from the environment's key: the agent in the task decrypts it.
  statement {
    sid       = "EncryptTheSession"
    actions   = ["kms:GenerateDataKey"]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [each.value.key_alias]
    }

    condition {
      test     = "Null"
      variable = "kms:EncryptionContext:aws:ssm:SessionId"
      values   = ["false"]
    }
  }
}
