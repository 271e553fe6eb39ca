# Where the environment's alarms go: an SNS topic encrypted with the environment's key, which
# CloudWatch alarms and the monthly budget may publish to, and the e-mail addresses subscribed
# to it. Its policy names it by the ARN the naming module builds, so a plan shows it whole. The alarms are in alarms.tf, the dashboard in dashboard.tf, the budget in budget.tf.

resource "aws_sns_topic" "alarms" {
  name              = var.alarm_topic
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarm_topic.json
}

data "aws_iam_policy_document" "alarm_topic" {
  statement {
    sid       = "ThisEnvironmentsAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [var.alarm_topic_arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [var.alarm_arns]
    }
  }

  statement {
    sid       = "ThisEnvironmentsBudgetPublishes"
    actions   = ["sns:Publish"]
    resources = [var.alarm_topic_arn]

    principals {
      type        = "Service"
      identifiers = ["budgets.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [var.budget_arn]
    }
  }

  statement {
    sid       = "RefuseRequestsWithoutTls"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [var.alarm_topic_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# Each address gets a confirmation e-mail first: AWS sends nothing else until it is confirmed.
resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}
