# One environment of {{ cookiecutter.project_name }}: network, load balancer, Fargate service
{%- if cookiecutter.database != 'none' %} and database{% endif %}.
# Apply with environments/<env>.tfvars; a deploy is an apply with a new image_tag.

data "aws_caller_identity" "current" {}

locals {
  name = "${var.project}-${var.environment}"

  # Set by terraform/bootstrap: this environment's deploy role may only manage roles under this
  # path, and only give them permissions within this boundary.
  iam_role_path            = "/${var.project}/${var.environment}/"
  permissions_boundary_arn = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:policy/${var.project}-${var.environment}-workload-boundary"
}

# Created once per account by terraform/bootstrap, shared by every environment.
data "aws_ecr_repository" "app" {
  name = var.project
}

# One customer-managed key per environment encrypts its logs{% if cookiecutter.database != 'none' %}, database storage and
# Performance Insights data{% endif %}.
resource "aws_kms_key" "this" {
  description             = "Encrypts the logs{% if cookiecutter.database != 'none' %} and database{% endif %} of ${local.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersTheKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsEncryptsThisEnvironmentsLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.aws_region}.amazonaws.com" }
        Action = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:${var.aws_region}:${data.aws_caller_identity.current.account_id}:log-group:*"
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.this.key_id
}

module "network" {
  source = "./modules/network"

  name                    = local.name
  aws_region              = var.aws_region
  cidr_block              = var.vpc_cidr_block
  nat_gateways            = var.nat_gateways
  flow_log_retention_days = var.log_retention_days
  kms_key_arn             = aws_kms_key.this.arn

  iam_role_path            = local.iam_role_path
  permissions_boundary_arn = local.permissions_boundary_arn
}

module "load_balancer" {
  source = "./modules/load_balancer"

  name                = local.name
  vpc_id              = module.network.vpc_id
  vpc_cidr_block      = module.network.vpc_cidr_block
  public_subnet_ids   = module.network.public_subnet_ids
  deletion_protection = var.load_balancer_deletion_protection
  access_logs_bucket  = var.load_balancer_access_logs_bucket
{% if cookiecutter.https != 'off' %}
  domain_name         = var.domain_name
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}
  route53_zone        = var.route53_zone
{% elif cookiecutter.https == 'acm-existing' %}
  certificate_arn     = var.certificate_arn
{% endif %}
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

  ecr_repository_url = data.aws_ecr_repository.app.repository_url
  ecr_repository_arn = data.aws_ecr_repository.app.arn
  image_tag          = var.image_tag
  cpu_architecture   = var.cpu_architecture
  cpu                = var.task_cpu
  memory             = var.task_memory

  desired_count      = var.desired_count
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
  use_fargate_spot   = var.use_fargate_spot
  log_retention_days = var.log_retention_days
  kms_key_arn        = aws_kms_key.this.arn

  iam_role_path            = local.iam_role_path
  permissions_boundary_arn = local.permissions_boundary_arn
{% if cookiecutter.database != 'none' %}

  database_host       = module.database.endpoint
  database_port       = module.database.port
  database_name       = module.database.database_name
  database_secret_arn = module.database.master_user_secret_arn
{% endif %}
}
{% if cookiecutter.database != 'none' %}

module "database" {
  source = "./modules/database"

  name                     = local.name
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.service.security_group_id
  kms_key_arn              = aws_kms_key.this.arn
  log_retention_days       = var.log_retention_days
  database_name            = var.database_name
{% if cookiecutter.database == 'aurora-postgresql' %}
  availability_zones       = module.network.availability_zones
  min_capacity             = var.database_min_capacity
  max_capacity             = var.database_max_capacity
  instance_count           = var.database_instance_count
{% else %}
  instance_class           = var.database_instance_class
  multi_az                 = var.database_multi_az
{% endif %}
  backup_retention_days    = var.database_backup_retention_days
  deletion_protection      = var.database_deletion_protection
  skip_final_snapshot      = var.database_skip_final_snapshot

  iam_role_path            = local.iam_role_path
  permissions_boundary_arn = local.permissions_boundary_arn
}
{% endif %}
