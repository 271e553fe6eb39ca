# The task's containers: migrate runs the migrations to completion, then app serves.

locals {
  # By digest: what runs is exactly the image the deploy resolved, whatever a tag says later.
  image = "${var.ecr_repository_url}@${var.image_digest}"

  container_environment = [
    for name, value in merge(
      {
        ENVIRONMENT = var.environment
        DB_HOST     = var.database_host
        DB_PORT     = tostring(var.database_port)
        DB_NAME     = var.database_name
        # Where the service reads the password again after RDS rotates it (weekly by default).
        DB_SECRET_ARN = var.database_secret_arn
      },
      var.environment_variables,
    ) : { name = name, value = value }
  ]

  # Read by the ECS agent from the secret RDS manages, so the password never passes through
  # Terraform state, variables or the task definition.
  container_secrets = [
    { name = "DB_USER", valueFrom = "${var.database_secret_arn}:username::" },
    { name = "DB_PASSWORD", valueFrom = "${var.database_secret_arn}:password::" },
  ]

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
    secrets                = local.container_secrets
    mountPoints            = [local.tmp_mount]
    linuxParameters        = { initProcessEnabled = true }
    dependsOn              = [{ containerName = "migrate", condition = "SUCCESS" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = "app"
      }
    }
  }

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

  # In start order.
  containers = [local.migrate_container, local.app_container]
}
