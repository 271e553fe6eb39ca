# EventBridge writes the environments' event logs (modules/events) under this resource policy:
# each environment's log group, from that environment's rule only (a deploy role may point its
# own rule anywhere: one statement for both would let staging's events into production's log).
# Made here, so that no deploy role needs logs:PutResourcePolicy, which could open any log group
# in the account to any service.

data "aws_iam_policy_document" "event_logs" {
  dynamic "statement" {
    for_each = module.environment_names

    content {
      sid       = "EventBridgeWritesTheEventLogOf${title(statement.key)}"
      actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      resources = ["${statement.value.events.log_group_arn}:log-stream:*"]

      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [statement.value.events.rule_arn]
      }
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "event_logs" {
  policy_name     = "${var.project}-event-logs"
  policy_document = data.aws_iam_policy_document.event_logs.json
}
