output "name" {
  description = "Name of the items table."
  value       = aws_dynamodb_table.items.name
}

output "arn" {
  description = "ARN of the items table."
  value       = aws_dynamodb_table.items.arn
}

output "alarm_arns" {
  description = "ARNs of the table's alarms."
  value       = [aws_cloudwatch_metric_alarm.throttled.arn]
}

output "dashboard_widgets" {
  description = "The table's graphs for the environment's dashboard (title, stat, metrics)."
  value       = local.dashboard_widgets
}
