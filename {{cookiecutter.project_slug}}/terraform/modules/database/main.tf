# What either engine has: the log groups it exports to, its subnet group in the
# private subnets and a security group that admits PostgreSQL from the service's tasks only.
# The engine is in {{ 'aurora.tf' if cookiecutter.database == 'aurora-postgresql' else 'rds.tf' }}.

locals {
  port = 5432
}

# Created here, before the database, so that the logs it exports (exported_logs, by engine)
# have a retention period and are encrypted; RDS would otherwise create them, kept forever.
resource "aws_cloudwatch_log_group" "exported" {
  for_each = toset(local.exported_logs)

  name              = "${var.log_group_prefix}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "Private subnets of the ${var.name} database"
  subnet_ids  = var.subnet_ids
}

resource "aws_security_group" "this" {
  # A prefix, not a name: create_before_destroy needs the replacement to have another name.
  name_prefix = "${var.name}-database-"
  description = "Database of ${var.name}: the service's tasks only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-database"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_service" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from the service's tasks"
  referenced_security_group_id = var.client_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

# The tasks may only reach this database, not PostgreSQL anywhere else.
resource "aws_vpc_security_group_egress_rule" "service_to_database" {
  security_group_id            = var.client_security_group_id
  description                  = "PostgreSQL to the database"
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}
