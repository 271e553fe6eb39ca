output "state_bucket" {
  description = "S3 bucket holding every environment's Terraform state (bucket names are global: the account ID makes it unique)."
  value       = "${var.project}-tfstate-${var.account_id}"
}

output "state_bucket_arn" {
  description = "ARN of that bucket."
  value       = "arn:aws:s3:::${var.project}-tfstate-${var.account_id}"
}

output "bootstrap_key_alias" {
  description = "Alias of the KMS key that encrypts the state and the images."
  value       = "alias/${var.project}-bootstrap"
}

output "ecr_repository" {
  description = "ECR repository of the service image."
  value       = var.project
}

output "ecr_repository_arn" {
  description = "ARN of that repository."
  value       = "${local.ecr_arn_prefix}/${var.project}"
}

output "build_cache_repository" {
  description = "ECR repository of the image build's layer cache, which only the image publisher writes."
  value       = "${var.project}-build-cache"
}

output "build_cache_repository_arn" {
  description = "ARN of that repository."
  value       = "${local.ecr_arn_prefix}/${var.project}-build-cache"
}

output "github_oidc_provider_arn" {
  description = "ARN of GitHub Actions' OIDC provider in the account (an account has at most one)."
  value       = "${local.iam_arn_prefix}:oidc-provider/token.actions.githubusercontent.com"
}

output "image_publisher_role" {
  description = "Role that builds and pushes images, trusted by the deploy workflow's build job on main only."
  value       = "${var.project}-image-publisher"
}

output "name" {
  description = "Name of the environment's resources, e.g. orders-api-staging (null without an environment)."
  value       = local.name
}

output "deploy_role" {
  description = "Name of the environment's deploy role (null without an environment)."
  value       = var.environment == null ? null : "${local.name}-deploy"
}

output "shell_policy" {
  description = "Name of the managed policy that lets its holders open a shell in the environment's tasks (null without an environment)."
  value       = var.environment == null ? null : "${local.name}-shell"
}

output "iam_role_path" {
  description = "IAM path of the environment's workload roles (null without an environment)."
  value       = local.iam_role_path
}

output "key_alias" {
  description = "Alias of the environment's KMS key (null without an environment)."
  value       = var.environment == null ? null : "alias/${local.name}"
}

output "workload_boundary_arn" {
  description = "ARN of the permissions boundary on every workload role of the environment (null without an environment)."
  value       = var.environment == null ? null : "${local.iam_arn_prefix}:policy/${local.name}-workload-boundary"
}

output "workload_boundary_name" {
  description = "Name of that permissions boundary policy (null without an environment)."
  value       = var.environment == null ? null : "${local.name}-workload-boundary"
}

output "workload_roles" {
  description = "Names of the environment's workload roles, by purpose: execution, task, flow_logs{% if 'postgresql' in cookiecutter.database %}, database_monitoring{% endif %}."
  value       = local.workload_roles
}

output "workload_role_arns" {
  description = "ARNs of those roles, by purpose."
  value       = { for purpose, role in local.workload_roles : purpose => "${local.iam_arn_prefix}:role${local.iam_role_path}${role}" }
}

output "log_groups" {
  description = "Names of the environment's log groups, by purpose: service, exec_sessions (ECS Exec's), flow_logs."
  value       = local.log_groups
}

output "log_group_arns" {
  description = "ARNs of those log groups, by purpose."
  value       = local.log_group_arns
}

output "monitoring" {
  description = "Names and ARNs of the environment's alarm topic (alarm_topic, alarm_topic_arn), alarms (alarm_name_prefix, alarm_arns: a pattern), dashboard and budget (null without an environment)."
  value       = local.monitoring
}

output "encrypted_log_group_arns" {
  description = "ARNs (or patterns) of every log group the environment's key encrypts: its own{% if 'postgresql' in cookiecutter.database %}, those the database exports to{% endif %}{% if cookiecutter.waf == 'yes' %}, the firewall's{% endif %}{% if cookiecutter.events == 'yes' %}, the event log{% endif %} (empty without an environment)."
  value       = local.encrypted_log_group_arns
}
{% if 'postgresql' in cookiecutter.database %}

output "database_log_group_prefix" {
  description = "Prefix of the log groups the database exports its logs to, one per log (null without an environment)."
  value       = local.database_log_group_prefix
}

output "database_arn" {
  description = "ARN of the environment's database {{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'instance' }}, which RDS tags the secret of its password with (null without an environment)."
  value       = local.database_arn
}

output "database_secret_owner_condition_key" {
  description = "Condition key of the tag RDS puts on the secret it manages, naming the database it belongs to; tags under aws: cannot be set by anyone else."
  value       = "aws:ResourceTag/aws:rds:primary{{ 'DBCluster' if cookiecutter.database == 'aurora-postgresql' else 'DBInstance' }}Arn"
}

output "database_app_user" {
  description = "Database role the service connects as, with IAM authentication; the migrations create it and grant it its tables' rows (null without an environment)."
  value       = var.environment == null ? null : replace(local.name, "-", "_")
}

output "database_log_groups_arn" {
  description = "ARN pattern of every log group the database exports to (null without an environment)."
  value       = local.database_log_groups_arn
}
{% endif %}
{% if cookiecutter.waf == 'yes' %}

output "waf" {
  description = "Names and ARNs of the environment's web application firewall: web_acl, web_acl_arns (a pattern: the ID follows the name), log_group and log_group_arn (null without an environment)."
  value       = local.waf
}
{% endif %}
{% if cookiecutter.events == 'yes' %}

output "events" {
  description = "Names and ARNs of the environment's event bus and what keeps its events: bus, archive, rule (the event log's), log_group, dead_letter_queue, each with its _arn (null without an environment)."
  value       = local.events
}
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

output "object_storage" {
  description = "Name and ARN of the environment's bucket of the items' files: bucket, bucket_arn (null without an environment)."
  value       = local.object_storage
}
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

output "table" {
  description = "Name and ARN of the environment's items table: name, arn (null without an environment)."
  value       = local.table
}
{% endif %}
{% if cookiecutter.https != 'off' %}

output "service_domain_name" {
  description = "Host name the environment is served at (null without an environment or a domain_name)."
  value       = var.environment == null || var.domain_name == null ? null : (var.environment == "production" ? var.domain_name : "staging.${var.domain_name}")
}
{% endif %}
