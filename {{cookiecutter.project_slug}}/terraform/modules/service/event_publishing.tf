# The app publishes its items' events on the environment's bus, and on no other, under its own
# source only (what the bus's rules and archive match). The bus is
# encrypted with the environment's key, which EventBridge uses on its own behalf (the key
# policy): the task role needs no key permission for it.
resource "aws_iam_role_policy" "publish_events" {
  name   = "publish-events"
  role   = var.task_role_name
  policy = data.aws_iam_policy_document.publish_events.json
}

data "aws_iam_policy_document" "publish_events" {
  statement {
    sid       = "PublishOnTheEnvironmentsBus"
    actions   = ["events:PutEvents"]
    resources = [var.event_bus_arn]

    condition {
      test     = "StringEquals"
      variable = "events:source"
      values   = [var.event_source]
    }
  }
}
