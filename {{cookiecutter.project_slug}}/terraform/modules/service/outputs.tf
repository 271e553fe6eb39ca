output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "task_definition_arn" {
  description = "ARN of the task definition revision the service runs."
  value       = aws_ecs_task_definition.this.arn
}

output "image" {
  description = "Image the task definition runs."
  value       = local.image
}

output "log_group_name" {
  description = "CloudWatch log group of the containers (stream prefixes: app{% if 'postgresql' in cookiecutter.database %}, migrate{% endif %})."
  value       = aws_cloudwatch_log_group.this.name
}

output "security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.this.id
}
