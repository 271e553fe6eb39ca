# What the deploy roles need for an environment's monitoring: its alarm topic and the e-mail
# subscriptions to it, its alarms and dashboard, its budget. Each is held to the environment by
# its name (modules/naming); an alarm may notify the environment's own topic and nothing else.

data "aws_iam_policy_document" "deploy_monitoring" {
  for_each = module.environment_names

  statement {
    sid       = "CreateTheAlarmTopicTaggedForThisEnvironment"
    actions   = ["sns:CreateTopic", "sns:TagResource"]
    resources = [each.value.monitoring.alarm_topic_arn]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "ChangeTheAlarmTopic"
    actions = [
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:ListTagsForResource",
      "sns:SetTopicAttributes",
      "sns:UntagResource",
    ]
    resources = [each.value.monitoring.alarm_topic_arn]
  }

  # E-mail only: another protocol could send the alarms (and whatever else is published to the
  # topic) somewhere no one reviewed.
  statement {
    sid       = "SubscribeAddressesToTheAlarmTopic"
    actions   = ["sns:Subscribe"]
    resources = [each.value.monitoring.alarm_topic_arn]

    condition {
      test     = "StringEquals"
      variable = "sns:Protocol"
      values   = ["email"]
    }
  }

  # SNS has no resource-level permission for these: a subscription is named by its topic's ARN
  # and a random id, which only the topic's own listing (above) reveals. Limit: a role that
  # knew another subscription's ARN could read its address or end it (docs/operations.md).
  statement {
    sid       = "ReadAndEndSubscriptionsByTheirArn"
    actions   = ["sns:GetSubscriptionAttributes", "sns:Unsubscribe"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.aws_region]
    }
  }

  statement {
    sid       = "AlarmsNotifyOnlyTheEnvironmentsTopic"
    actions   = ["cloudwatch:PutMetricAlarm"]
    resources = [each.value.monitoring.alarm_arns]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "cloudwatch:AlarmActions"
      values   = [each.value.monitoring.alarm_topic_arn]
    }
  }

  statement {
    sid = "ChangeTheEnvironmentsAlarms"
    actions = [
      "cloudwatch:DeleteAlarms",
      "cloudwatch:ListTagsForResource",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ]
    resources = [each.value.monitoring.alarm_arns]
  }

  statement {
    sid       = "ChangeTheEnvironmentsDashboard"
    actions   = ["cloudwatch:DeleteDashboards", "cloudwatch:GetDashboard", "cloudwatch:PutDashboard"]
    resources = [each.value.monitoring.dashboard_arn]
  }

  statement {
    sid = "ChangeTheEnvironmentsBudget"
    actions = [
      "budgets:ListTagsForResource",
      "budgets:ModifyBudget",
      "budgets:TagResource",
      "budgets:UntagResource",
      "budgets:ViewBudget",
    ]
    resources = [each.value.monitoring.budget_arn]
  }
}
