output "bus_arn" {
  description = "ARN of the event bus."
  value       = aws_cloudwatch_event_bus.this.arn
}

output "bus_name" {
  description = "Name of the event bus."
  value       = aws_cloudwatch_event_bus.this.name
}

output "archive_arn" {
  description = "ARN of the archive, to replay events from."
  value       = aws_cloudwatch_event_archive.this.arn
}

output "log_group_name" {
  description = "Name of the log group the events are copied to."
  value       = aws_cloudwatch_log_group.events.name
}

output "dead_letter_queue_url" {
  description = "URL of the queue of what EventBridge could not deliver."
  value       = aws_sqs_queue.dead_letters.url
}

output "alarm_arns" {
  description = "ARNs of the alarms on events lost."
  value       = [aws_cloudwatch_metric_alarm.not_published.arn, aws_cloudwatch_metric_alarm.dead_lettered.arn]
}
