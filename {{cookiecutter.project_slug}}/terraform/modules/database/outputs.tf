output "identifier" {
  description = "Identifier of the {{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'instance' }}, which `make pause` and `make resume` {{ 'scale' if cookiecutter.database == 'aurora-postgresql' else 'stop and start' }}."
  value       = local.identifier
}

output "endpoint" {
  description = "Host name the application connects to{{ " (the cluster's writer endpoint)" if cookiecutter.database == 'aurora-postgresql' else '' }}."
  value       = local.endpoint
}

output "port" {
  description = "Port of the database."
  value       = local.port
}

output "database_name" {
  description = "Name of the application's database."
  value       = var.database_name
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS keeps the master credentials in (JSON keys username and password)."
  value       = local.master_user_secret_arn
}

output "resource_id" {
  description = "RDS's resource ID of the {{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'instance' }}, which IAM authentication's rds-db:connect names."
  value       = local.resource_id
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}

output "alarm_arns" {
  description = "ARNs of the database's alarms."
  value       = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.arn]
}

output "dashboard_widgets" {
  description = "The database's graphs for the environment's dashboard (title, stat, metrics)."
  value       = local.dashboard_widgets
}
