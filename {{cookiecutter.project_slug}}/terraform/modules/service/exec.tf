# ECS Exec (enable_execute_command): `make shell` opens a shell in a running app container
# through Session Manager. The session is encrypted with the environment's key, and what is
# typed and printed goes to a log group of its own, apart from the app's logs.

locals {
  # The agent ECS Exec runs in the app container writes under these paths. AWS does not support
  # ECS Exec on a read-only root filesystem; a writable task volume on each of them (as /tmp has)
  # lets the agent run while the rest stays read-only (aws/containers-roadmap#1359).
  exec_agent_volumes = var.enable_execute_command ? {
    exec-agent       = "/managed-agents"
    exec-agent-state = "/var/lib/amazon/ssm"
    exec-agent-logs  = "/var/log/amazon/ssm"
  } : {}
  exec_agent_mounts = [
    for volume, path in local.exec_agent_volumes : { sourceVolume = volume, containerPath = path, readOnly = false }
  ]
}

resource "aws_cloudwatch_log_group" "exec_sessions" {
  count = var.enable_execute_command ? 1 : 0

  name              = var.exec_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# The agent in the task answers the session as the task role.
resource "aws_iam_role_policy" "exec_sessions" {
  count = var.enable_execute_command ? 1 : 0

  name   = "answer-ecs-exec-sessions"
  role   = var.task_role_name
  policy = data.aws_iam_policy_document.exec_sessions[0].json
}

data "aws_iam_policy_document" "exec_sessions" {
  count = var.enable_execute_command ? 1 : 0

  # Session Manager's channels have no resource-level permissions.
  statement {
    sid = "OpenTheSessionChannels"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "DecryptTheSessionWithTheEnvironmentsKey"
    actions   = ["kms:Decrypt"]
    resources = [local.kms_keys_arn]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [var.environment]
    }

    # Session Manager's data keys only: they carry the session in their encryption context.
    condition {
      test     = "Null"
      variable = "kms:EncryptionContext:aws:ssm:SessionId"
      values   = ["false"]
    }
  }

  # The agent checks that the session log group is encrypted before it logs to it.
  statement {
    sid       = "FindTheSessionLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }

  statement {
    sid       = "LogTheSessions"
    actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = ["${local.exec_log_group_arn}:*"]
  }
}
