# The ECS cluster, the task definition and the service that run the application on Fargate,
# and its log group. Beside it: containers.tf (the task's containers), app_server.tf (what the
# app listens on, its health check), iam.tf (the roles' policies), exec.tf (ECS Exec),
# security_group.tf and autoscaling.tf.

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  dynamic "configuration" {
    for_each = aws_cloudwatch_log_group.exec_sessions

    content {
      execute_command_configuration {
        kms_key_id = var.kms_key_arn
        logging    = "OVERRIDE"

        log_configuration {
          cloud_watch_log_group_name     = configuration.value.name
          cloud_watch_encryption_enabled = true
        }
      }
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "tmp"
  }

  dynamic "volume" {
    for_each = local.exec_agent_volumes

    content {
      name = volume.key
    }
  }

  container_definitions = jsonencode(local.containers)

  lifecycle {
    # Overriding what the task sets itself would break the service quietly.
    precondition {
      condition     = length(setintersection(local.task_setting_names, concat(keys(var.environment_variables), keys(var.secrets)))) == 0
      error_message = "environment_variables and secrets may not set ${join(", ", sort(setintersection(local.task_setting_names, concat(keys(var.environment_variables), keys(var.secrets)))))}: the task definition sets them itself."
    }
  }
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.desired_count

  enable_execute_command = var.enable_execute_command

  capacity_provider_strategy {
    capacity_provider = var.use_fargate_spot ? "FARGATE_SPOT" : "FARGATE"
    weight            = 1
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = var.assign_public_ip
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = "app"
    container_port   = var.container_port
  }

  # New tasks must pass the load balancer's health check before old ones stop; a deployment
  # whose tasks keep failing is rolled back to the last one that worked.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.health_check_grace_period
  availability_zone_rebalancing      = "ENABLED"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # A release whose tasks turn healthy but serve errors: when one of these alarms goes off
  # while it rolls out (and for a while after), ECS rolls it back.
  dynamic "alarms" {
    for_each = length(var.deployment_alarm_names) > 0 ? [var.deployment_alarm_names] : []

    content {
      alarm_names = alarms.value
      enable      = true
      rollback    = true
    }
  }

  propagate_tags          = "SERVICE"
  enable_ecs_managed_tags = true

  lifecycle {
    # Autoscaling owns the task count once the service exists.
    ignore_changes = [desired_count]
  }

  # Created after, and destroyed before, the cluster's FARGATE_SPOT association it may use.
  depends_on = [aws_ecs_cluster_capacity_providers.this]
}
