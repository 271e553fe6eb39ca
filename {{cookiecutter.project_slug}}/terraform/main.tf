# One environment of {{ cookiecutter.project_name }}: network, load balancer, Fargate service
{%- if cookiecutter.database != 'none' %}{{ ', database and event bus' if cookiecutter.events == 'yes' else ' and database' }}{% endif %}.
# Apply with environments/<env>.tfvars; a deploy is an apply with a new image_digest.

data "aws_caller_identity" "current" {}

# The names terraform/bootstrap gave what it created for this environment: the workload roles,
# their boundary, the image repository.
module "names" {
  source = "./modules/naming"

  project     = var.project
  environment = var.environment
  account_id  = data.aws_caller_identity.current.account_id
  aws_region  = var.aws_region
{% if cookiecutter.https != 'off' %}
  domain_name = var.domain_name
{% endif %}
}

locals {
  name = module.names.name
}

# Created once per account by terraform/bootstrap, shared by every environment.
data "aws_ecr_repository" "app" {
  name = module.names.ecr_repository
}

module "network" {
  source = "./modules/network"

  name                    = local.name
  aws_region              = var.aws_region
  cidr_block              = var.vpc_cidr_block
  availability_zone_count = var.availability_zone_count
  nat_gateways            = var.nat_gateways
  flow_log_group_name     = module.names.log_groups.flow_logs
  flow_log_retention_days = var.log_retention_days
  kms_key_arn             = aws_kms_key.this.arn
  flow_logs_role_name     = module.names.workload_roles.flow_logs
  flow_logs_role_arn      = module.names.workload_role_arns.flow_logs
}

module "load_balancer" {
  source = "./modules/load_balancer"

  name                = local.name
  vpc_id              = module.network.vpc_id
  vpc_cidr_block      = module.network.vpc_cidr_block
  public_subnet_ids   = module.network.public_subnet_ids
  target_port         = var.container_port
  idle_timeout        = var.load_balancer_idle_timeout
  deletion_protection = var.load_balancer_deletion_protection
  access_logs_bucket  = var.load_balancer_access_logs_bucket
{% if cookiecutter.https != 'off' %}
  domain_name         = module.names.service_domain_name
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}
  route53_zone        = var.route53_zone
{% endif %}
{% if cookiecutter.https == 'acm-existing' %}
  certificate_arn     = var.certificate_arn
{% endif %}
{% if cookiecutter.cdn == 'yes' %}

  origin_secret_header = module.cdn.origin_secret_header
  origin_secrets       = module.cdn.origin_secrets
{% endif %}

  health_check_path                = var.health_check_path
  health_check_interval            = var.health_check_interval
  health_check_timeout             = var.health_check_timeout
  health_check_healthy_threshold   = var.health_check_healthy_threshold
  health_check_unhealthy_threshold = var.health_check_unhealthy_threshold
}

module "service" {
  source = "./modules/service"

  name        = local.name
  environment = var.environment
  aws_region  = var.aws_region

  vpc_id = module.network.vpc_id
  # Without NAT gateways the tasks reach ECR and AWS APIs through public IPs in the public
  # subnets; their security group still admits only the load balancer.
  subnet_ids       = var.nat_gateways == "none" ? module.network.public_subnet_ids : module.network.private_subnet_ids
  assign_public_ip = var.nat_gateways == "none"

  load_balancer_security_group_id = module.load_balancer.security_group_id
  target_group_arn                = module.load_balancer.target_group_arn
  load_balancer_arn_suffix        = module.load_balancer.arn_suffix
  target_group_arn_suffix         = module.load_balancer.target_group_arn_suffix
  https_only                      = module.load_balancer.serves_https

  ecr_repository_url = data.aws_ecr_repository.app.repository_url
  ecr_repository_arn = data.aws_ecr_repository.app.arn
  image_digest       = var.image_digest
  app_version        = var.app_version
  cpu_architecture   = var.cpu_architecture
  cpu                = var.task_cpu
  memory             = var.task_memory

  container_port             = var.container_port
  load_balancer_idle_timeout = var.load_balancer_idle_timeout
  environment_variables      = var.environment_variables
  secrets                    = var.secrets

  deployment_alarm_names = module.monitoring.release_health_alarm_names

  desired_count         = var.desired_count
  min_capacity          = var.min_capacity
  max_capacity          = var.max_capacity
  cpu_target_percent    = var.cpu_target_percent
  memory_target_percent = var.memory_target_percent
  requests_per_target   = var.requests_per_target
  office_hours          = var.office_hours
  use_fargate_spot      = var.use_fargate_spot

  log_group_name     = module.names.log_groups.service
  log_retention_days = var.log_retention_days
  kms_key_arn        = aws_kms_key.this.arn

  enable_execute_command = var.enable_execute_command
  exec_log_group_name    = module.names.log_groups.exec_sessions

  execution_role_name = module.names.workload_roles.execution
  execution_role_arn  = module.names.workload_role_arns.execution
  task_role_name      = module.names.workload_roles.task
  task_role_arn       = module.names.workload_role_arns.task
{% if 'postgresql' in cookiecutter.database %}

  database_host       = module.database.endpoint
  database_port       = module.database.port
  database_name       = module.database.database_name
  database_secret_arn = module.database.master_user_secret_arn
  database_arn        = module.names.database_arn

  database_resource_id = module.database.resource_id
  database_app_user    = module.names.database_app_user

  database_secret_owner_condition_key = module.names.database_secret_owner_condition_key
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

  items_table_name = module.names.table.name
  items_table_arn  = module.names.table.arn
{% endif %}
{% if cookiecutter.events == 'yes' %}

  event_bus_arn = module.names.events.bus_arn
  event_source  = var.project
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

  assets_bucket_name = module.names.object_storage.bucket
  assets_bucket_arn  = module.names.object_storage.bucket_arn
{% endif %}
}
{% if 'postgresql' in cookiecutter.database %}

module "database" {
  source = "./modules/database"

  name                     = local.name
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.service.security_group_id
  kms_key_arn              = aws_kms_key.this.arn
  log_group_prefix         = module.names.database_log_group_prefix
  log_retention_days       = var.log_retention_days
  database_name            = var.database_name
{% if cookiecutter.database == 'aurora-postgresql' %}
  availability_zones       = module.network.availability_zones
  min_capacity             = var.database_min_capacity
  max_capacity             = var.database_max_capacity
  instance_count           = var.database_instance_count
{% endif %}
{% if cookiecutter.database == 'postgresql' %}
  instance_class           = var.database_instance_class
  multi_az                 = var.database_multi_az
{% endif %}
  backup_retention_days    = var.database_backup_retention_days
  deletion_protection      = var.database_deletion_protection
  skip_final_snapshot      = var.database_skip_final_snapshot
  monitoring_role_arn      = module.names.workload_role_arns.database_monitoring
  alarm_topic_arn          = module.monitoring.alarm_topic_arn
  alarm_thresholds         = var.database_alarm_thresholds
}
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

module "table" {
  source = "./modules/table"

  name                = local.name
  table_name          = module.names.table.name
  kms_key_arn         = aws_kms_key.this.arn
  deletion_protection = var.table_deletion_protection
  alarm_topic_arn     = module.monitoring.alarm_topic_arn
  throttle_threshold  = var.table_throttle_alarm_threshold
}
{% endif %}
{% if cookiecutter.waf == 'yes' %}

module "waf" {
  source = "./modules/waf"
  count  = var.waf_enabled ? 1 : 0
{% if cookiecutter.cdn == 'yes' %}
  # CloudFront's web ACLs live in us-east-1.
  providers = {
    aws = aws.us_east_1
  }
{% endif %}

  name               = local.name
{% if cookiecutter.cdn == 'no' %}
  load_balancer_arn  = module.load_balancer.arn
{% endif %}
  rate_limit         = var.waf_rate_limit
  max_body_bytes     = var.waf_max_body_bytes
  log_group_name     = module.names.waf.log_group
  log_retention_days = var.log_retention_days
  kms_key_arn        = {{ 'var.aws_region == "us-east-1" ? aws_kms_key.this.arn : null' if cookiecutter.cdn == 'yes' else 'aws_kms_key.this.arn' }}
}
{% endif %}
{% if cookiecutter.cdn == 'yes' %}

module "cdn" {
  source = "./modules/cdn"
  # CloudFront's certificate is made and read in us-east-1.
  providers = {
    aws = aws.us_east_1
  }

  name                   = local.name
  load_balancer_dns_name = module.load_balancer.cloudfront_origin_dns_name
  price_class            = var.cdn_price_class
{% if cookiecutter.https != 'off' %}
  domain_name            = module.names.service_domain_name
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}
  route53_zone           = var.route53_zone
{% endif %}
{% if cookiecutter.https == 'acm-existing' %}
  certificate_arn        = var.cdn_certificate_arn
{% endif %}
{% if cookiecutter.waf == 'yes' %}
  web_acl_arn            = var.waf_enabled ? module.waf[0].web_acl_arn : null
{% endif %}
}
{% endif %}
{% if cookiecutter.events == 'yes' %}

module "events" {
  source = "./modules/events"

  name                   = local.name
  bus_name               = module.names.events.bus
  event_source           = var.project
  archive_name           = module.names.events.archive
  archive_retention_days = var.event_archive_retention_days
  rule_name              = module.names.events.rule
  log_group_name         = module.names.events.log_group
  log_retention_days     = var.log_retention_days
  dead_letter_queue_name = module.names.events.dead_letter_queue
  kms_key_arn            = aws_kms_key.this.arn
  service_log_group_name = module.service.log_group_name
  # The service's events.EVENT_NOT_PUBLISHED.
  not_published_message = "event not published"
  metric_namespace      = local.name
  alarm_topic_arn       = module.monitoring.alarm_topic_arn
}
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

module "object_storage" {
  source = "./modules/object_storage"

  bucket_name             = module.names.object_storage.bucket
  kms_key_arn             = aws_kms_key.this.arn
  noncurrent_version_days = var.assets_noncurrent_version_days
  force_destroy           = var.assets_force_destroy
}
{% endif %}

# Alarms, the topic they notify, the dashboard and the budget. The ECS cluster and service are
# named local.name (modules/service): the alarms name them so, not through the service's
# outputs, because the service waits for its release-health alarms.
module "monitoring" {
  source = "./modules/monitoring"

  name        = local.name
  environment = var.environment
  aws_region  = var.aws_region
  account_id  = data.aws_caller_identity.current.account_id
  kms_key_arn = aws_kms_key.this.arn

  alarm_topic     = module.names.monitoring.alarm_topic
  alarm_topic_arn = module.names.monitoring.alarm_topic_arn
  alarm_arns      = module.names.monitoring.alarm_arns
  dashboard       = module.names.monitoring.dashboard
  budget          = module.names.monitoring.budget
  budget_arn      = module.names.monitoring.budget_arn

  alarm_email_addresses = var.alarm_email_addresses
  thresholds            = var.alarm_thresholds
  monthly_budget_usd    = var.monthly_budget_usd

  load_balancer_arn_suffix = module.load_balancer.arn_suffix
  target_group_arn_suffix  = module.load_balancer.target_group_arn_suffix
  cluster_name             = local.name
  service_name             = local.name
{% if cookiecutter.database != 'none' %}

  database_alarm_arns        = module.{{ 'table' if cookiecutter.database == 'dynamodb' else 'database' }}.alarm_arns
  database_dashboard_widgets = module.{{ 'table' if cookiecutter.database == 'dynamodb' else 'database' }}.dashboard_widgets
{% endif %}
}
