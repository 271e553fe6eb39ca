# The table's alarm, on the environment's alarm topic: DynamoDB throttled reads or writes. On
# demand, a table throttles only past its account's limits or on one hot key; botocore retries,
# and what still fails reaches clients as 503s (which the service's alarms count too).

locals {
  throttle_metrics = { reads = "ReadThrottleEvents", writes = "WriteThrottleEvents" }
}

resource "aws_cloudwatch_metric_alarm" "throttled" {
  alarm_name          = "${var.name}-table-throttled"
  alarm_description   = "DynamoDB throttled more than ${var.throttle_threshold} reads and writes of ${var.table_name} in each of 3 of the last 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.throttle_threshold
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  metric_query {
    id          = "throttled"
    expression  = "reads + writes"
    label       = "Throttled reads and writes"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.throttle_metrics

    content {
      id = metric_query.key

      metric {
        namespace   = "AWS/DynamoDB"
        metric_name = metric_query.value
        dimensions  = { TableName = aws_dynamodb_table.items.name }
        stat        = "Sum"
        period      = 60
      }
    }
  }
}

locals {
  # The same signals, and the table's use, graphed on the environment's dashboard.
  dashboard_widgets = [
    {
      title   = "Table: throttled reads and writes"
      stat    = "Sum"
      metrics = [for metric in values(local.throttle_metrics) : ["AWS/DynamoDB", metric, "TableName", aws_dynamodb_table.items.name]]
    },
    {
      title = "Table: capacity used"
      stat  = "Sum"
      metrics = [
        for metric in ["ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits"] : ["AWS/DynamoDB", metric, "TableName", aws_dynamodb_table.items.name]
      ]
    },
  ]
}
