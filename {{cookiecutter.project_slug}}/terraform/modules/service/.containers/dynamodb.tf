# The task's one container: app, on the environment's DynamoDB table.

locals {
  # By digest: what runs is exactly the image the deploy resolved, whatever a tag says later.
  image = "${var.ecr_repository_url}@${var.image_digest}"

  app_settings = merge(
    local.server_environment,
    {
      ENVIRONMENT = var.environment
      APP_VERSION = var.app_version
      HTTPS_ONLY  = tostring(var.https_only)
      # The items' table (table_access.tf), in the task's region.
      ITEMS_TABLE = var.items_table_name
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
