# RDS PostgreSQL: one instance, with a standby in a second zone when multi_az is on. RDS
# generates the master password and keeps it in Secrets Manager.

locals {
  # RDS PostgreSQL exports the server's log and that of major version upgrades.
  exported_logs = ["postgresql", "upgrade"]
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-"
  family      = "postgres${split(".", var.engine_version)[0]}"
  description = "Parameters of the ${var.name} database"

  # A new major version needs a group of its family before the database leaves the old one.
  lifecycle {
    create_before_destroy = true
  }

  # Refuse unencrypted connections.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Log statements slower than a second.
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class
  db_name        = var.database_name
  port           = local.port

  username                      = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.multi_az

  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = local.exported_logs
  auto_minor_version_upgrade          = true

  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.kms_key_arn
  monitoring_interval             = 60
  monitoring_role_arn             = var.monitoring_role_arn

  backup_retention_period   = var.backup_retention_days
  backup_window             = "03:00-04:00"
  maintenance_window        = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.name}-final"

  depends_on = [aws_cloudwatch_log_group.exported]
}

locals {
  # What outputs.tf publishes, whichever engine this is.
  identifier             = aws_db_instance.this.identifier
  endpoint               = aws_db_instance.this.address
  master_user_secret_arn = aws_db_instance.this.master_user_secret[0].secret_arn
  resource_id            = aws_db_instance.this.resource_id
}
