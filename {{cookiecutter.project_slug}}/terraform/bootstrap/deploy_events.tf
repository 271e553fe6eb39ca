# What the deploy roles need for an environment's event bus (modules/events): the bus, its
# archive, the rule copying its events to the event log and the dead-letter queue, each held to
# the environment by name, and the metric filter counting the events the service gave up on.

data "aws_iam_policy_document" "deploy_events" {
  for_each = module.environment_names

  statement {
    sid = "CreateTheEventResourcesTaggedForThisEnvironment"
    actions = [
      "events:CreateEventBus",
      "events:PutRule",
      "events:TagResource",
      "logs:CreateLogGroup",
      "logs:TagResource",
      "sqs:CreateQueue",
      "sqs:TagQueue",
    ]
    resources = [
      each.value.events.bus_arn,
      each.value.events.rule_arn,
      each.value.events.log_group_arn,
      "${each.value.events.log_group_arn}:*",
      each.value.events.dead_letter_queue_arn,
    ]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "ChangeTheBusAndItsRule"
    actions = [
      "events:DeleteEventBus",
      "events:DeleteRule",
      "events:DescribeEventBus",
      "events:DescribeRule",
      "events:ListTagsForResource",
      "events:ListTargetsByRule",
      "events:PutRule",
      "events:PutTargets",
      "events:RemoveTargets",
      "events:UntagResource",
      "events:UpdateEventBus",
    ]
    resources = [each.value.events.bus_arn, each.value.events.rule_arn]
  }

  # Archives carry no tags: the environment's is named for it, on its own bus.
  statement {
    sid = "KeepTheArchive"
    actions = [
      "events:CreateArchive",
      "events:DeleteArchive",
      "events:DescribeArchive",
      "events:UpdateArchive",
    ]
    resources = [each.value.events.archive_arn, each.value.events.bus_arn]
  }

  statement {
    sid = "ChangeTheDeadLetterQueue"
    actions = [
      "sqs:DeleteQueue",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:ListQueueTags",
      "sqs:SetQueueAttributes",
      "sqs:UntagQueue",
    ]
    resources = [each.value.events.dead_letter_queue_arn]
  }

  # On the service's own log group: a count of the events it gave up publishing.
  statement {
    sid       = "CountTheEventsNotPublished"
    actions   = ["logs:DeleteMetricFilter", "logs:PutMetricFilter"]
    resources = [each.value.log_group_arns.service]
  }

  # Listing metric filters has no resource to scope; it reads names and patterns only.
  statement {
    sid       = "ListMetricFilters"
    actions   = ["logs:DescribeMetricFilters"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.aws_region]
    }
  }
}
