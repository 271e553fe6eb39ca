# Plan-only tests of modules/database (Aurora PostgreSQL Serverless v2) against a mocked AWS
# provider.

mock_provider "aws" {
  override_during = plan
}

variables {
  name                     = "{{ cookiecutter.project_slug }}-test"
  vpc_id                   = "vpc-0a1b2c3d4e5f60718"
  subnet_ids               = ["subnet-0a1b2c3d4e5f60718", "subnet-1a2b3c4d5e6f70819"]
  client_security_group_id = "sg-0a1b2c3d4e5f60718"
  kms_key_arn              = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/11111111-2222-3333-4444-555555555555"
  database_name            = "{{ cookiecutter.package_name }}"
  monitoring_role_arn      = "arn:aws:iam::123456789012:role/{{ cookiecutter.project_slug }}/test/{{ cookiecutter.project_slug }}-test-rds-monitoring"
  alarm_topic_arn          = "arn:aws:sns:{{ cookiecutter.aws_region }}:123456789012:{{ cookiecutter.project_slug }}-test-alarms"
  alarm_thresholds         = { cpu_percent = 80, acu_percent = 90, connections = 200, freeable_memory_mib = 256 }
  log_group_prefix         = "/aws/rds/cluster/{{ cookiecutter.project_slug }}-test"
  availability_zones       = ["{{ cookiecutter.aws_region }}a", "{{ cookiecutter.aws_region }}b"]
}

run "reachable_only_from_the_service" {
  command = plan

  module {
    source = "./modules/database"
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_service.referenced_security_group_id == var.client_security_group_id && aws_vpc_security_group_ingress_rule.from_service.from_port == 5432
    error_message = "The database must accept PostgreSQL connections from the service's tasks only."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.service_to_database.security_group_id == var.client_security_group_id && aws_vpc_security_group_egress_rule.service_to_database.to_port == 5432
    error_message = "The tasks must be allowed out to the database."
  }

  assert {
    condition     = aws_db_subnet_group.this.subnet_ids == toset(var.subnet_ids)
    error_message = "The database must live in the private subnets."
  }

  assert {
    condition     = aws_rds_cluster.this.master_user_secret_kms_key_id == var.kms_key_arn && alltrue([for instance in aws_rds_cluster_instance.this : instance.monitoring_role_arn == var.monitoring_role_arn])
    error_message = "The password's secret must be encrypted with the environment's key, and monitoring must use bootstrap's role."
  }

  assert {
    condition     = aws_cloudwatch_log_group.exported["postgresql"].name == "${var.log_group_prefix}/postgresql"
    error_message = "The exported log's group must be created under the name RDS exports to."
  }
}

run "production_defaults_are_highly_available_and_protected" {
  command = plan

  module {
    source = "./modules/database"
  }

  assert {
    condition     = aws_rds_cluster.this.engine == "aurora-postgresql" && aws_rds_cluster.this.serverlessv2_scaling_configuration[0].max_capacity == 8
    error_message = "Expected an Aurora PostgreSQL Serverless v2 cluster."
  }

  assert {
    condition     = length(aws_rds_cluster_instance.this) == 2 && alltrue([for instance in aws_rds_cluster_instance.this : instance.instance_class == "db.serverless" && !instance.publicly_accessible])
    error_message = "Production needs a writer and a reader to fail over to, both Serverless v2 and private."
  }

  assert {
    condition     = aws_rds_cluster.this.manage_master_user_password && aws_rds_cluster.this.master_password == null
    error_message = "RDS must generate the master password and keep it in Secrets Manager, never in Terraform."
  }

  assert {
    condition     = aws_rds_cluster.this.storage_encrypted && aws_rds_cluster.this.kms_key_id == var.kms_key_arn
    error_message = "Storage must be encrypted with the environment's key."
  }

  assert {
    condition     = aws_rds_cluster.this.deletion_protection && !aws_rds_cluster.this.skip_final_snapshot && aws_rds_cluster.this.final_snapshot_identifier == "${var.name}-final"
    error_message = "By default the cluster is protected from deletion and leaves a final snapshot."
  }

  assert {
    condition     = aws_rds_cluster.this.backup_retention_period == 14
    error_message = "Expected two weeks of point-in-time recovery by default."
  }

  assert {
    condition     = alltrue([for instance in aws_rds_cluster_instance.this : instance.performance_insights_enabled])
    error_message = "Performance Insights must be on."
  }

  assert {
    condition     = tolist([for instance in aws_rds_cluster_instance.this : instance.availability_zone]) == var.availability_zones
    error_message = "The writer and the reader must run in different zones."
  }

  assert {
    condition     = aws_cloudwatch_log_group.exported["postgresql"].name == "/aws/rds/cluster/${var.name}/postgresql" && aws_cloudwatch_log_group.exported["postgresql"].retention_in_days == 365 && aws_cloudwatch_log_group.exported["postgresql"].kms_key_id == var.kms_key_arn
    error_message = "The exported PostgreSQL log must be kept a year by default, encrypted with the environment's key."
  }
}

run "staging_settings_are_cheap_and_disposable" {
  command = plan

  module {
    source = "./modules/database"
  }

  variables {
    instance_count        = 1
    max_capacity          = 2
    backup_retention_days = 1
    deletion_protection   = false
    skip_final_snapshot   = true
  }

  assert {
    condition     = length(aws_rds_cluster_instance.this) == 1
    error_message = "Staging runs a single instance."
  }

  assert {
    condition     = !aws_rds_cluster.this.deletion_protection && aws_rds_cluster.this.skip_final_snapshot && aws_rds_cluster.this.final_snapshot_identifier == null
    error_message = "Staging can be destroyed without a final snapshot."
  }
}

run "alarms_watch_the_database_on_the_alarm_topic" {
  command = plan

  module {
    source = "./modules/database"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset(["acu", "connections", "cpu", "freeable-memory"])
    error_message = "Expected the database's CPU, capacity, connections and memory alarms."
  }

  assert {
    condition = alltrue([
      for alarm in aws_cloudwatch_metric_alarm.this :
      alarm.alarm_actions == toset([var.alarm_topic_arn]) && alarm.ok_actions == toset([var.alarm_topic_arn]) && alarm.namespace == "AWS/RDS" && alarm.dimensions == tomap({ DBClusterIdentifier = aws_rds_cluster.this.cluster_identifier })
    ])
    error_message = "Every database alarm must watch this database and notify the alarm topic when it goes off and clears."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["cpu"].threshold == 80 && aws_cloudwatch_metric_alarm.this["freeable-memory"].threshold == var.alarm_thresholds.freeable_memory_mib * 1048576
    error_message = "The thresholds must be the given ones, memory in bytes."
  }
}

run "a_negative_alarm_threshold_is_refused" {
  command = plan

  module {
    source = "./modules/database"
  }

  variables {
    alarm_thresholds = { cpu_percent = 80, acu_percent = 90, connections = -200, freeable_memory_mib = 256 }
  }

  expect_failures = [var.alarm_thresholds]
}
