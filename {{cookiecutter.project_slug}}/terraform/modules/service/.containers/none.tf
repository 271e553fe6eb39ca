# The task's one container: app.

locals {
  # By digest: what runs is exactly the image the deploy resolved, whatever a tag says later.
  image = "${var.ecr_repository_url}@${var.image_digest}"

  container_environment = [
    for name, value in merge(
      {
        ENVIRONMENT = var.environment
        HTTPS_ONLY  = tostring(var.https_only)
      },
      var.environment_variables,
    ) : { name = name, value = value }
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
    mountPoints            = [local.tmp_mount]
    linuxParameters        = { initProcessEnabled = true }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.aws_region
        awslogs-stream-prefix = "app"
      }
    }
  }

  # In start order.
  containers = [local.app_container]
}
