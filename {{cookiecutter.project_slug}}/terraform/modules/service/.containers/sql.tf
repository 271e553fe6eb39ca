# The task's containers: migrate runs the migrations to completion, then app serves.

locals {
  # By digest: what runs is exactly the image the deploy resolved, whatever a tag says later.
  image = "${var.ecr_repository_url}@${var.image_digest}"

  # Where the Dockerfile puts RDS's CA bundle: TLS to the database verifies its certificate.
  database_ca_bundle = "/etc/ssl/certs/rds-ca-bundle.pem"

  database_environment = {
    ENVIRONMENT      = var.environment
    DB_HOST          = var.database_host
    DB_PORT          = tostring(var.database_port)
    DB_NAME          = var.database_name
    DB_SSL_ROOT_CERT = local.database_ca_bundle
  }

  # The app connects as the service's own role, with an IAM token per new connection.
  app_settings = merge(
    local.database_environment,
    local.server_environment,
    {
      APP_VERSION = var.app_version
      HTTPS_ONLY  = tostring(var.https_only)
      DB_USER     = var.database_app_user
      DB_IAM_AUTH = "true"
      AWS_REGION  = var.aws_region
    },
{% if cookiecutter.events == 'yes' %}
    # Where the items' events are published (event_publishing.tf).
    { EVENT_BUS_ARN = var.event_bus_arn },
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}
    # Where the items' files are uploaded (uploads.tf); AWS_REGION is its region.
    { ASSETS_BUCKET = var.assets_bucket_name },
{% endif %}
  )
  app_environment = [
    for name, value in merge(local.app_settings, var.environment_variables) : { name = name, value = value }
  ]

  # The migrations connect as the master user and grant the service's role its tables.
  migrate_settings = merge(local.database_environment, { DB_APP_USER = var.database_app_user })
  migrate_environment = [
    for name, value in merge(local.migrate_settings, var.environment_variables) : { name = name, value = value }
  ]

  # Read by the ECS agent from the secret RDS manages, so the password never passes through
  # Terraform state, variables or the task definition.
  master_user_secrets = [
    { name = "DB_USER", valueFrom = "${var.database_secret_arn}:username::" },
    { name = "DB_PASSWORD", valueFrom = "${var.database_secret_arn}:password::" },
  ]

  # The root filesystem is read-only: /tmp is the containers' one writable path, an ephemeral task
  # volume (with ECS Exec on, the agent gets its own: exec.tf).
  tmp_mount = { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }

  # The secrets key only when there are some: an empty list would differ from what ECS returns.
  app_container = merge(length(local.app_secrets) > 0 ? { secrets = local.app_secrets } : {}, {
    name                   = "app"
    image                  = local.image
    essential              = true
    user                   = var.container_user
    readonlyRootFilesystem = true
    portMappings           = [{ containerPort = var.container_port, hostPort = var.container_port, protocol = "tcp" }]
    environment            = local.app_environment
    mountPoints            = concat([local.tmp_mount], local.exec_agent_mounts)
    linuxParameters        = { initProcessEnabled = true }
    healthCheck            = local.health_check
    dependsOn              = [{ containerName = "migrate", condition = "SUCCESS" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = "app"
      }
    }
  })

  # Runs the migrations to completion in every new task before the app container starts; a
  # failed migration stops the task, and the deployment circuit breaker rolls back.
  migrate_container = {
    name                   = "migrate"
    image                  = local.image
    essential              = false
    command                = ["alembic", "upgrade", "head"]
    user                   = var.container_user
    readonlyRootFilesystem = true
    environment            = local.migrate_environment
    secrets                = local.master_user_secrets
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

  # What the containers get from the task definition itself, which environment_variables and
  # secrets may not set.
  task_setting_names = setunion(
    keys(local.app_settings),
    keys(local.migrate_settings),
    [for secret in local.master_user_secrets : secret.name],
  )
}
