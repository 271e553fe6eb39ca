# The task's one container: app.

locals {
  # By digest: what runs is exactly the image the deploy resolved, whatever a tag says later.
  image = "${var.ecr_repository_url}@${var.image_digest}"

  app_settings = merge(
    local.server_environment,
    {
      ENVIRONMENT = var.environment
      APP_VERSION = var.app_version
      HTTPS_ONLY  = tostring(var.https_only)
    },
  )
  app_environment = [
    for name, value in merge(local.app_settings, var.environment_variables) : { name = name, value = value }
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
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = "app"
      }
    }
  })

  # In start order.
  containers = [local.app_container]

  # What the container gets from the task definition itself, which environment_variables and
  # secrets may not set.
  task_setting_names = keys(local.app_settings)
}
