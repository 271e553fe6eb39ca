# Aurora PostgreSQL Serverless v2: a cluster scaling in ACUs and its instances. RDS generates
# the master password and keeps it in Secrets Manager.

locals {
  # Aurora PostgreSQL exports one log.
  exported_logs = ["postgresql"]
}

moved {
  from = aws_cloudwatch_log_group.postgresql
  to   = aws_cloudwatch_log_group.exported["postgresql"]
}

resource "aws_rds_cluster_parameter_group" "this" {
  name_prefix = "${var.name}-"
  family      = "aurora-postgresql${split(".", var.engine_version)[0]}"
  description = "Parameters of the ${var.name} cluster"

  # A new major version needs a group of its family before the cluster leaves the old one.
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

resource "aws_rds_cluster" "this" {
  # checkov:skip=CKV2_AWS_8: automated backups give point-in-time recovery for backup_retention_days; an AWS Backup plan is an account-wide choice
  cluster_identifier = var.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  engine_version     = var.engine_version
  database_name      = var.database_name
  port               = local.port

  master_username               = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.this.id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name

  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = local.exported_logs

  serverlessv2_scaling_configuration {
    min_capacity = var.min_capacity
    max_capacity = var.max_capacity
  }

  backup_retention_period      = var.backup_retention_days
  preferred_backup_window      = "03:00-04:00"
  preferred_maintenance_window = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = var.skip_final_snapshot
  final_snapshot_identifier    = var.skip_final_snapshot ? null : "${var.name}-final"

  depends_on = [aws_cloudwatch_log_group.exported]
}

# One writer, plus readers in other zones that Aurora promotes if the writer's zone fails.
resource "aws_rds_cluster_instance" "this" {
  count = var.instance_count

  identifier         = "${var.name}-${count.index + 1}"
  cluster_identifier = aws_rds_cluster.this.id
  engine             = aws_rds_cluster.this.engine
  engine_version     = aws_rds_cluster.this.engine_version
  instance_class     = "db.serverless"
  # Round the zones: a writer and a reader never share one.
  availability_zone = var.availability_zones[count.index % length(var.availability_zones)]

  db_subnet_group_name       = aws_db_subnet_group.this.name
  publicly_accessible        = false
  auto_minor_version_upgrade = true

  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.kms_key_arn
  monitoring_interval             = 60
  monitoring_role_arn             = var.monitoring_role_arn
}

locals {
  # What outputs.tf publishes, whichever engine this is.
  identifier             = aws_rds_cluster.this.cluster_identifier
  endpoint               = aws_rds_cluster.this.endpoint # the writer's
  master_user_secret_arn = aws_rds_cluster.this.master_user_secret[0].secret_arn
  resource_id            = aws_rds_cluster.this.cluster_resource_id
}
