# The database's alarms, on the environment's alarm topic: each one statistic of one of the
# database's metrics against its threshold (local.alarms, in the engine's own file). Missing
# data (a stopped database) counts as fine.

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-database-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/RDS"
  metric_name         = each.value.metric
  dimensions          = local.metric_dimensions
  statistic           = each.value.statistic
  comparison_operator = each.value.comparison_operator
  threshold           = each.value.threshold
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

locals {
  # The same metrics, graphed on the environment's dashboard.
  dashboard_widgets = [
    for key, alarm in local.alarms : {
      title   = alarm.title
      stat    = alarm.statistic
      metrics = [concat(["AWS/RDS", alarm.metric], flatten([for name, value in local.metric_dimensions : [name, value]]))]
    }
  ]
}
