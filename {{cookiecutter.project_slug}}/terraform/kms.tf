{% if 'postgresql' in cookiecutter.database %}
# One customer-managed key per environment encrypts its logs, its alarm topic, its database and
# the database's password secret.
{% else %}
# One customer-managed key per environment encrypts its logs and its alarm topic.
{% endif %}
resource "aws_kms_key" "this" {
  description             = "Encrypts the logs{% if 'postgresql' in cookiecutter.database %} and database{% endif %} of ${local.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

data "aws_iam_policy_document" "kms" {
  # checkov:skip=CKV_AWS_109: a key policy: Resource "*" is this key, and the account statement (AWS's default) leaves its use to IAM policies
  # checkov:skip=CKV_AWS_111: a key policy: Resource "*" is this key, and the account statement (AWS's default) leaves its use to IAM policies
  # checkov:skip=CKV_AWS_356: a key policy: Resource "*" is this key, and the account statement (AWS's default) leaves its use to IAM policies
  statement {
    sid       = "AccountAdministersTheKeyThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # CloudWatch Logs may use the key for this environment's log groups, and no others.
  statement {
    sid = "CloudWatchLogsEncryptsThisEnvironmentsLogGroups"
    actions = [
      "kms:Decrypt*",
      "kms:Describe*",
      "kms:Encrypt*",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.aws_region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = module.names.encrypted_log_group_arns
    }
  }

  # The alarm topic is encrypted with this key: CloudWatch (the environment's alarms) and Budgets
  # publish to it, and may use the key for that topic only.
  statement {
    sid       = "AlarmsAndTheBudgetPublishToTheAlarmTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["budgets.amazonaws.com", "cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sns:topicArn"
      values   = [module.names.monitoring.alarm_topic_arn]
    }
  }
{% if cookiecutter.events == 'yes' %}

  # EventBridge encrypts the events of this environment's bus, and what it could not deliver in
  # the dead-letter queue, with this key: for that bus and that queue only.
  statement {
    sid       = "EventBridgeChecksTheKey"
    actions   = ["kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid       = "EventBridgeEncryptsTheBusEvents"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:events:event-bus:arn"
      values   = [module.names.events.bus_arn]
    }
  }

  statement {
    sid       = "EventBridgeEncryptsTheDeadLetters"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:sqs:arn"
      values   = [module.names.events.dead_letter_queue_arn]
    }
  }
{% endif %}
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.this.key_id
}
