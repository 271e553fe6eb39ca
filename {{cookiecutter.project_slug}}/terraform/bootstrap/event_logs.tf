# EventBridge writes the environments' event logs (modules/events) under this resource policy:
# their log groups and no others, for the rules that copy the events there only. Made here, so
# that no deploy role needs logs:PutResourcePolicy, which could open any log group in the
# account to any service.

data "aws_iam_policy_document" "event_logs" {
  statement {
    sid       = "EventBridgeWritesTheEventLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for names in module.environment_names : "${names.events.log_group_arn}:log-stream:*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [for names in module.environment_names : names.events.rule_arn]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "event_logs" {
  policy_name     = "${var.project}-event-logs"
  policy_document = data.aws_iam_policy_document.event_logs.json
}
