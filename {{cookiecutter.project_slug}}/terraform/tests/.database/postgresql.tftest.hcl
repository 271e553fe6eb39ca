# Plan-only tests of modules/database (RDS PostgreSQL) against a mocked AWS provider.

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
  alarm_thresholds         = { cpu_percent = 80, free_storage_gib = 2, connections = 80, freeable_memory_mib = 128 }
  log_group_prefix         = "/aws/rds/instance/{{ cookiecutter.project_slug }}-test"
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
    condition     = aws_db_instance.this.master_user_secret_kms_key_id == var.kms_key_arn && aws_db_instance.this.monitoring_role_arn == var.monitoring_role_arn
    error_message = "The password's secret must be encrypted with the environment's key, and monitoring must use bootstrap's role."
  }

  assert {
    condition     = [for group in aws_cloudwatch_log_group.exported : group.name] == ["${var.log_group_prefix}/postgresql", "${var.log_group_prefix}/upgrade"]
    error_message = "The exported logs' groups must be created under the names RDS exports to."
  }
}

run "production_defaults_are_highly_available_and_protected" {
  command = plan

  module {
    source = "./modules/database"
  }

  assert {
    condition     = aws_db_instance.this.engine == "postgres" && aws_db_instance.this.multi_az
    error_message = "Expected a Multi-AZ PostgreSQL instance by default."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.password == null
    error_message = "RDS must generate the master password and keep it in Secrets Manager, never in Terraform."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.kms_key_id == var.kms_key_arn && !aws_db_instance.this.publicly_accessible
    error_message = "Storage must be encrypted with the environment's key and the instance private."
  }

  assert {
    condition     = aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot && aws_db_instance.this.final_snapshot_identifier == "${var.name}-final"
    error_message = "By default the database is protected from deletion and leaves a final snapshot."
  }

  assert {
    condition     = aws_db_instance.this.backup_retention_period == 14 && aws_db_instance.this.performance_insights_enabled
    error_message = "Expected two weeks of point-in-time recovery and Performance Insights by default."
  }

  assert {
    condition     = one([for parameter in aws_db_parameter_group.this.parameter : parameter.value if parameter.name == "rds.force_ssl"]) == "1"
    error_message = "The database must refuse unencrypted connections."
  }

  assert {
    condition = (
      toset([for group in aws_cloudwatch_log_group.exported : group.name]) == toset(["/aws/rds/instance/${var.name}/postgresql", "/aws/rds/instance/${var.name}/upgrade"]) &&
      alltrue([for group in aws_cloudwatch_log_group.exported : group.retention_in_days == 365 && group.kms_key_id == var.kms_key_arn])
    )
    error_message = "Each exported log must be kept a year by default, encrypted with the environment's key."
  }
}

run "staging_settings_are_cheap_and_disposable" {
  command = plan

  module {
    source = "./modules/database"
  }

  variables {
    instance_class        = "db.t4g.micro"
    multi_az              = false
    backup_retention_days = 1
    deletion_protection   = false
    skip_final_snapshot   = true
  }

  assert {
    condition     = !aws_db_instance.this.multi_az && aws_db_instance.this.instance_class == "db.t4g.micro"
    error_message = "Staging runs a single small instance."
  }

  assert {
    condition     = !aws_db_instance.this.deletion_protection && aws_db_instance.this.skip_final_snapshot && aws_db_instance.this.final_snapshot_identifier == null
    error_message = "Staging can be destroyed without a final snapshot."
  }
}

run "alarms_watch_the_database_on_the_alarm_topic" {
  command = plan

  module {
    source = "./modules/database"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset(["connections", "cpu", "free-storage", "freeable-memory"])
    error_message = "Expected the database's CPU, capacity, connections and memory alarms."
  }

  assert {
    condition = alltrue([
      for alarm in aws_cloudwatch_metric_alarm.this :
      alarm.alarm_actions == toset([var.alarm_topic_arn]) && alarm.ok_actions == toset([var.alarm_topic_arn]) && alarm.namespace == "AWS/RDS" && alarm.dimensions == tomap({ DBInstanceIdentifier = aws_db_instance.this.identifier })
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
    alarm_thresholds = { cpu_percent = 80, free_storage_gib = 2, connections = -80, freeable_memory_mib = 128 }
  }

  expect_failures = [var.alarm_thresholds]
}
