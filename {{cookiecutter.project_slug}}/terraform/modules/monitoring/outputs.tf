output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm of the environment notifies."
  value       = aws_sns_topic.alarms.arn
}

output "release_health_alarm_names" {
  description = "Alarms that say a release is failing its users (the two 5xx rates): the service's deployment rolls back when one goes off."
  value       = [for alarm in aws_cloudwatch_metric_alarm.error_rate : alarm.alarm_name]
}

output "alarm_names" {
  description = "Names of the service's alarms."
  value = concat(
    [for alarm in aws_cloudwatch_metric_alarm.error_rate : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.metric : alarm.alarm_name],
    [aws_cloudwatch_metric_alarm.tasks_below_desired.alarm_name],
  )
}

output "dashboard_url" {
  description = "Address of the environment's dashboard in the CloudWatch console."
  value       = "https://${var.aws_region}.console.aws.amazon.com/cloudwatch/home?region=${var.aws_region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this.dashboard_name}"
}
