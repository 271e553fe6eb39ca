# The ECS cluster, task definition and service that run the application on Fargate, its logs,
# IAM roles, security group and autoscaling.

data "aws_caller_identity" "current" {}

locals {
  # Built from the name, not read from the log group, so that the execution role's policy is
  # known at plan time.
  log_group_arn = "arn:aws:logs:${var.aws_region}:${data.aws_caller_identity.current.account_id}:log-group:${var.log_group_name}"

  # By digest: what runs is exactly the image the deploy resolved, whatever a tag says later.
  image = "${var.ecr_repository_url}@${var.image_digest}"

  container_environment = [
    for name, value in merge(
      {
        ENVIRONMENT = var.environment
{% if cookiecutter.database != 'none' %}
        DB_HOST     = var.database_host
        DB_PORT     = tostring(var.database_port)
        DB_NAME     = var.database_name
        # Where the service reads the password again after RDS rotates it (weekly by default).
        DB_SECRET_ARN = var.database_secret_arn
{% endif %}
      },
      var.environment_variables,
    ) : { name = name, value = value }
  ]
{% if cookiecutter.database != 'none' %}

  # Read by the ECS agent from the secret RDS manages, so the password never passes through
  # Terraform state, variables or the task definition.
  container_secrets = [
    { name = "DB_USER", valueFrom = "${var.database_secret_arn}:username::" },
    { name = "DB_PASSWORD", valueFrom = "${var.database_secret_arn}:password::" },
  ]
{% endif %}

  # The root filesystem is read-only: /tmp is the one writable path, an ephemeral task volume.
  tmp_mount = { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }

  app_container = {
    name                   = "app"
    image                  = local.image
    essential              = true
    user                   = var.container_user
    readonlyRootFilesystem = true
    portMappings           = [{ containerPort = var.container_port, hostPort = var.container_port, protocol = "tcp" }]
    environment            = local.container_environment
{% if cookiecutter.database != 'none' %}
    secrets                = local.container_secrets
{% endif %}
    mountPoints            = [local.tmp_mount]
    linuxParameters        = { initProcessEnabled = true }
{% if cookiecutter.database != 'none' %}
    dependsOn              = [{ containerName = "migrate", condition = "SUCCESS" }]
{% endif %}
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = "app"
      }
    }
  }
{% if cookiecutter.database != 'none' %}

  # Runs the migrations to completion in every new task before the app container starts; a
  # failed migration stops the task, and the deployment circuit breaker rolls back.
  migrate_container = {
    name                   = "migrate"
    image                  = local.image
    essential              = false
    command                = ["alembic", "upgrade", "head"]
    user                   = var.container_user
    readonlyRootFilesystem = true
    environment            = local.container_environment
    secrets                = local.container_secrets
    mountPoints            = [local.tmp_mount]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = "migrate"
      }
    }
  }
{% endif %}
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
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

# The roles are bootstrap's (a deploy creates no role, see terraform/bootstrap); their policies
# are the stack's, within the boundary bootstrap put on them.

# The ECS agent's: pull the image and write the containers' logs.
resource "aws_iam_role_policy" "execution" {
  name   = "pull-image-write-logs"
  role   = var.execution_role_name
  policy = data.aws_iam_policy_document.execution.json
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "AuthenticateToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PullTheServiceImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid       = "WriteContainerLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }
}

resource "aws_security_group" "this" {
  # A prefix, not a name: create_before_destroy needs the replacement to have another name.
  name_prefix = "${var.name}-tasks-"
  description = "Tasks of ${var.name}: the load balancer in, HTTPS out"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-tasks"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_load_balancer" {
  security_group_id            = aws_security_group.this.id
  description                  = "Requests from the load balancer"
  referenced_security_group_id = var.load_balancer_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
}

{% if cookiecutter.database != 'none' %}
# ECR, CloudWatch Logs, Secrets Manager and any HTTPS API the application calls.
{% else %}
# ECR, CloudWatch Logs and any HTTPS API the application calls.
{% endif %}
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs and the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
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

{% if cookiecutter.database != 'none' %}
  container_definitions = jsonencode([local.migrate_container, local.app_container])
{% else %}
  container_definitions = jsonencode([local.app_container])
{% endif %}
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.desired_count

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

  propagate_tags          = "SERVICE"
  enable_ecs_managed_tags = true

  lifecycle {
    # Autoscaling owns the task count once the service exists.
    ignore_changes = [desired_count]
  }

  # Created after, and destroyed before, the cluster's FARGATE_SPOT association it may use.
  depends_on = [aws_ecs_cluster_capacity_providers.this]
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "memory" {
  name               = "${var.name}-memory"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.memory_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageMemoryUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.load_balancer_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}
