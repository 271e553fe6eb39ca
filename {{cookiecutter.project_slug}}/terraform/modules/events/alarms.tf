# Two ways an event can be lost, each an alarm on the environment's alarm topic: the service
# gave up publishing it (it logs each such event: a metric filter counts them), or EventBridge
# gave up delivering it (it is in the dead-letter queue).

resource "aws_cloudwatch_log_metric_filter" "not_published" {
  name           = "${var.name}-events-not-published"
  log_group_name = var.service_log_group_name
  pattern        = "{ $.message = \"${var.not_published_message}\" }"

  metric_transformation {
    name      = "EventsNotPublished"
    namespace = var.metric_namespace
    value     = "1"
    unit      = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "not_published" {
  alarm_name          = "${var.name}-events-not-published"
  alarm_description   = "The service gave up publishing an event on ${var.bus_name}: its log says which and why."
  namespace           = var.metric_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.not_published.metric_transformation[0].name
  statistic           = "Sum"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  period              = 300
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "dead_lettered" {
  alarm_name          = "${var.name}-events-dead-lettered"
  alarm_description   = "EventBridge could not deliver events of ${var.bus_name}: they wait in ${var.dead_letter_queue_name}."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dead_letters.name }
  statistic           = "Maximum"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  period              = 300
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}
