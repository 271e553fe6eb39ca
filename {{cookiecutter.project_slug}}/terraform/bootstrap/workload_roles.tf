# The roles each environment's tasks and AWS services run as, created here rather than by a
# deploy: a deploy role can put policies on them (within their boundary) and hand them to their
# service, but can create no role, and change no trust policy, so nothing a deploy does can
# outlive it or open the account to anyone else.

locals {
  # Who may assume each workload role, and from where.
  workload_trust = {
    execution = { service = "ecs-tasks.amazonaws.com", source_arn = "${local.arn.ecs}:*" }
    task      = { service = "ecs-tasks.amazonaws.com", source_arn = "${local.arn.ecs}:*" }
    flow_logs = { service = "vpc-flow-logs.amazonaws.com", source_arn = "${local.arn.ec2}:vpc-flow-log/*" }
{% if 'postgresql' in cookiecutter.database %}
    # RDS Enhanced Monitoring, which writes the database host's metrics (no source ARN to check).
    database_monitoring = { service = "monitoring.rds.amazonaws.com", source_arn = null }
{% endif %}
  }

  workload_roles = merge([
    for environment, names in module.environment_names : {
      for purpose, role in names.workload_roles : "${environment}/${purpose}" => {
        environment = environment
        purpose     = purpose
        name        = role
        path        = names.iam_role_path
        boundary    = names.workload_boundary_name
      }
    }
  ]...)
}

data "aws_iam_policy_document" "workload_trust" {
  for_each = local.workload_trust

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [each.value.service]
    }

    # On behalf of this account's resources only (the confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    dynamic "condition" {
      for_each = each.value.source_arn == null ? [] : [each.value.source_arn]

      content {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "workload" {
  for_each = local.workload_roles

  name                 = each.value.name
  path                 = each.value.path
  description          = "The ${replace(each.value.purpose, "_", " ")} role of ${var.project}'s ${each.value.environment} environment"
  assume_role_policy   = data.aws_iam_policy_document.workload_trust[each.value.purpose].json
  permissions_boundary = aws_iam_policy.workload_boundary[each.value.environment].arn

  tags = {
    Environment = each.value.environment
  }
}

# The most a workload role may ever do, whatever policy a deploy puts on it. When the service
# needs another AWS API, allow it here (then in the task role's policy, terraform/modules/service)
# and run `make bootstrap`.
resource "aws_iam_policy" "workload_boundary" {
  for_each = module.environment_names

  name        = each.value.workload_boundary_name
  description = "Caps the workload roles of ${var.project}'s ${each.key} environment"
  policy      = data.aws_iam_policy_document.workload_boundary[each.key].json

  tags = {
    Environment = each.key
  }
}

data "aws_iam_policy_document" "workload_boundary" {
  for_each = module.environment_names

  source_policy_documents = [
    data.aws_iam_policy_document.workload_base[each.key].json,
{% if 'postgresql' in cookiecutter.database %}
    data.aws_iam_policy_document.workload_database[each.key].json,
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}
    data.aws_iam_policy_document.workload_table[each.key].json,
{% endif %}
{% if cookiecutter.events == 'yes' %}
    data.aws_iam_policy_document.workload_events[each.key].json,
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}
    data.aws_iam_policy_document.workload_object_storage[each.key].json,
{% endif %}
    data.aws_iam_policy_document.environment_isolation[each.key].json,
  ]
}

data "aws_iam_policy_document" "workload_base" {
  for_each = module.environment_names

  statement {
    sid = "WriteTheEnvironmentsLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    resources = [for arn in values(each.value.log_group_arns) : "${arn}:*"]
  }

  statement {
    sid       = "AuthenticateToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # The secrets the service's tfvars give the app (the stack's policy names each one): those
  # tagged with this environment, and no other.
  statement {
    sid       = "ReadTheEnvironmentsSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["${local.arn.secrets}:secret:*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }

  # Secrets encrypted with the environment's key are decrypted for Secrets Manager only.
{% if 'postgresql' in cookiecutter.database %}
  # The database password's secret is one of them.
{% endif %}
  statement {
    sid       = "DecryptTheSecretThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "PullTheServiceImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [module.names.ecr_repository_arn]
  }

  # ECS Exec, where an environment's tfvars turn it on: the agent in the task opens Session
  # Manager's channels (which have no resource-level permissions), decrypts the session with the
  # environment's key and checks that the session log group is encrypted.
  statement {
    sid = "AnswerEcsExecSessions"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "DecryptEcsExecSessions"
    actions   = ["kms:Decrypt"]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }

    # Session Manager's data keys only: they carry the session in their encryption context.
    condition {
      test     = "Null"
      variable = "kms:EncryptionContext:aws:ssm:SessionId"
      values   = ["false"]
    }
  }

  statement {
    sid       = "FindTheSessionLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }
}

# Denies everything on resources tagged for another environment, and creating resources tagged
# for one. Every resource of a stack carries its Environment tag (default_tags); what has none
# is held by the allow lists, which name their resources or require this environment's tag.
data "aws_iam_policy_document" "environment_isolation" {
  for_each = var.environments

  statement {
    sid       = "NeverTouchAnotherEnvironmentsResources"
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]

    condition {
      test     = "StringNotEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "Null"
      variable = "aws:ResourceTag/Environment"
      values   = ["false"]
    }
  }

  statement {
    sid       = "NeverCreateAnotherEnvironmentsResources"
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]

    condition {
      test     = "StringNotEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "Null"
      variable = "aws:RequestTag/Environment"
      values   = ["false"]
    }
  }
}
