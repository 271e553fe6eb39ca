# Read by `make deploy` and the deploy workflow: keep these names stable.

output "aws_region" {
  description = "AWS region of the environment."
  value       = var.aws_region
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.service.cluster_name
}

output "service_name" {
  description = "Name of the ECS service."
  value       = module.service.service_name
}

output "task_definition_arn" {
  description = "ARN of the task definition revision this apply set on the service."
  value       = module.service.task_definition_arn
}

output "image" {
  description = "Image the service runs (repository URL and tag)."
  value       = module.service.image
}

output "ecr_repository_url" {
  description = "URL of the ECR repository the deploy pushes images to."
  value       = data.aws_ecr_repository.app.repository_url
}

output "log_group_name" {
  description = "CloudWatch log group of the service's containers."
  value       = module.service.log_group_name
}

output "service_url" {
  description = "Base URL of the service, for the smoke test after a deploy."
  value       = module.load_balancer.url
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer{% if cookiecutter.https == 'acm-existing' %}: point domain_name at it{% endif %}."
  value       = module.load_balancer.dns_name
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways, the source address of the tasks' outbound traffic (empty without NAT)."
  value       = module.network.nat_public_ips
}
{% if cookiecutter.database != 'none' %}

output "database_endpoint" {
  description = "Host name of the database."
  value       = module.database.endpoint
}

output "database_secret_arn" {
  description = "ARN of the Secrets Manager secret with the database credentials."
  value       = module.database.master_user_secret_arn
}
{% endif %}
