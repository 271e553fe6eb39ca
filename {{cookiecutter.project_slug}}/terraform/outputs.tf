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
  value       = module.{{ 'cdn' if cookiecutter.cdn == 'yes' else 'load_balancer' }}.url
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer{% if cookiecutter.https == 'acm-existing' and cookiecutter.cdn == 'no' %}: point domain_name at it{% endif %}."
  value       = module.load_balancer.dns_name
}
{% if cookiecutter.cdn == 'yes' %}

output "cloudfront_domain_name" {
  description = "CloudFront's DNS name of the distribution{% if cookiecutter.https == 'acm-existing' %}: point domain_name at it{% endif %}."
  value       = module.cdn.distribution_domain_name
}

output "cloudfront_distribution_id" {
  description = "ID of the CloudFront distribution, for invalidations."
  value       = module.cdn.distribution_id
}
{% endif %}

output "paused" {
  description = "Whether the tfvars pause the service (desired_count = 0): `make resume` then refuses."
  value       = var.desired_count == 0
}

output "tasks_min_capacity" {
  description = "Fewest tasks autoscaling may run, as the tfvars say: `make resume` restores it."
  value       = var.min_capacity
}

output "tasks_max_capacity" {
  description = "Most tasks autoscaling may run, as the tfvars say: `make resume` restores it."
  value       = var.max_capacity
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic the environment's alarms and budget notify: subscribe a chat or paging integration to it."
  value       = module.monitoring.alarm_topic_arn
}

output "release_health_alarm_names" {
  description = "Alarms the service's deployments watch: `make deploy` reports their state once a rollout is done."
  value       = module.monitoring.release_health_alarm_names
}

output "dashboard_url" {
  description = "The environment's CloudWatch dashboard."
  value       = module.monitoring.dashboard_url
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways, the source address of the tasks' outbound traffic (empty without NAT)."
  value       = module.network.nat_public_ips
}
{% if cookiecutter.waf == 'yes' %}

output "waf_log_group_name" {
  description = "Log group of the requests the web application firewall blocked or counted (null with waf_enabled off)."
  value       = one(module.waf[*].log_group_name)
}
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

output "items_table_name" {
  description = "Name of the items table (the service's ITEMS_TABLE)."
  value       = module.table.name
}
{% endif %}
{% if 'postgresql' in cookiecutter.database %}

output "database_identifier" {
  description = "Identifier of the database {{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'instance' }}, which `make pause` and `make resume` act on."
  value       = module.database.identifier
}
{% if cookiecutter.database == 'aurora-postgresql' %}

output "database_min_capacity" {
  description = "The cluster's ACU floor, as the tfvars say: `make resume` restores it."
  value       = var.database_min_capacity
}
{% endif %}

output "database_endpoint" {
  description = "Host name of the database."
  value       = module.database.endpoint
}

output "database_secret_arn" {
  description = "ARN of the Secrets Manager secret with the database credentials."
  value       = module.database.master_user_secret_arn
}
{% endif %}
{% if cookiecutter.events == 'yes' %}

output "event_bus_name" {
  description = "Event bus the service publishes its items' events on."
  value       = module.events.bus_name
}

output "event_log_group_name" {
  description = "Log group holding a copy of each event."
  value       = module.events.log_group_name
}

output "event_dead_letter_queue_url" {
  description = "Queue of the events EventBridge could not deliver."
  value       = module.events.dead_letter_queue_url
}
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

output "assets_bucket_name" {
  description = "Bucket the items' files are uploaded to."
  value       = module.object_storage.bucket_name
}
{% endif %}
