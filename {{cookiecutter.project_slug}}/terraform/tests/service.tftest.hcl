# Plan-only tests of modules/service: no credentials, no cost.

# Planned offline by the real aws provider, with fake credentials: a plan makes no AWS call,
# and the data sources that would are overridden. A mocked provider would mock the IAM policy
# documents too, and the policies are part of what these tests read.
provider "aws" {
  region                      = "{{ cookiecutter.aws_region }}"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values = {
    account_id = "123456789012"
  }
}

variables {
  name                            = "{{ cookiecutter.project_slug }}-test"
  environment                     = "staging"
  aws_region                      = "{{ cookiecutter.aws_region }}"
  vpc_id                          = "vpc-0a1b2c3d4e5f60718"
  subnet_ids                      = ["subnet-0a1b2c3d4e5f60718", "subnet-1a2b3c4d5e6f70819"]
  load_balancer_security_group_id = "sg-0a1b2c3d4e5f60718"
  https_only                      = false
  target_group_arn                = "arn:aws:elasticloadbalancing:{{ cookiecutter.aws_region }}:123456789012:targetgroup/{{ cookiecutter.project_slug }}-test/0123456789abcdef"
  load_balancer_arn_suffix        = "app/{{ cookiecutter.project_slug }}-test/0123456789abcdef"
  target_group_arn_suffix         = "targetgroup/{{ cookiecutter.project_slug }}-test/0123456789abcdef"
  ecr_repository_url              = "123456789012.dkr.ecr.{{ cookiecutter.aws_region }}.amazonaws.com/{{ cookiecutter.project_slug }}"
  ecr_repository_arn              = "arn:aws:ecr:{{ cookiecutter.aws_region }}:123456789012:repository/{{ cookiecutter.project_slug }}"
  image_digest                    = "sha256:4f3c9e1d8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6"
  app_version                     = "0123456789abcdef0123456789abcdef01234567@sha256:4f3c9e1d8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6"
  log_group_name                  = "/ecs/{{ cookiecutter.project_slug }}-test"
  exec_log_group_name             = "/ecs/{{ cookiecutter.project_slug }}-test/exec-sessions"
  execution_role_name             = "{{ cookiecutter.project_slug }}-test-task-execution"
  execution_role_arn              = "arn:aws:iam::123456789012:role/{{ cookiecutter.project_slug }}/test/{{ cookiecutter.project_slug }}-test-task-execution"
  task_role_name                  = "{{ cookiecutter.project_slug }}-test-task"
  task_role_arn                   = "arn:aws:iam::123456789012:role/{{ cookiecutter.project_slug }}/test/{{ cookiecutter.project_slug }}-test-task"
  cpu_architecture                = "ARM64"
  kms_key_arn                     = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/11111111-2222-3333-4444-555555555555"
{% if 'postgresql' in cookiecutter.database %}
  database_host                   = "{{ cookiecutter.project_slug }}-test.cluster-abcdefghijkl.{{ cookiecutter.aws_region }}.rds.amazonaws.com"
  database_port                   = 5432
  database_name                   = "{{ cookiecutter.package_name }}"
  database_secret_arn             = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:rds!db-0a1b2c3d-AbCdEf"
  database_arn                    = "arn:aws:rds:{{ cookiecutter.aws_region }}:123456789012:{{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'db' }}:{{ cookiecutter.project_slug }}-test"
  database_resource_id            = "{{ 'cluster' if cookiecutter.database == 'aurora-postgresql' else 'db' }}-ABCDEFGHIJKLMNOPQRSTUVWXY0"
  database_app_user               = "{{ cookiecutter.package_name }}_test"

  database_secret_owner_condition_key = "aws:ResourceTag/aws:rds:primaryDB{{ 'Cluster' if cookiecutter.database == 'aurora-postgresql' else 'Instance' }}Arn"
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

  items_table_name = "{{ cookiecutter.project_slug }}-test-items"
  items_table_arn  = "arn:aws:dynamodb:{{ cookiecutter.aws_region }}:123456789012:table/{{ cookiecutter.project_slug }}-test-items"
{% endif %}
{% if cookiecutter.events == 'yes' %}

  event_bus_arn = "arn:aws:events:{{ cookiecutter.aws_region }}:123456789012:event-bus/{{ cookiecutter.project_slug }}-test"
  event_source  = "{{ cookiecutter.project_slug }}"
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

  assets_bucket_name = "{{ cookiecutter.project_slug }}-test-assets-123456789012"
  assets_bucket_arn  = "arn:aws:s3:::{{ cookiecutter.project_slug }}-test-assets-123456789012"
{% endif %}
}

# Every assert on the plan of the default variables, in one run: each run plans anew and
# starts the provider again. The runs after it set variables of their own, or hold the asserts
# of one option.
run "with_the_default_variables" {
  command = plan

  module {
    source = "./modules/service"
  }

  # The task definition.
  assert {
    condition     = aws_ecs_task_definition.this.runtime_platform[0].cpu_architecture == "ARM64" && aws_ecs_task_definition.this.runtime_platform[0].operating_system_family == "LINUX"
    error_message = "The tasks must run on Linux with the cpu_architecture given, the architecture the image is built for."
  }

  assert {
    condition     = aws_ecs_task_definition.this.requires_compatibilities == toset(["FARGATE"]) && aws_ecs_task_definition.this.network_mode == "awsvpc"
    error_message = "Expected a Fargate task definition in awsvpc mode."
  }

  assert {
    condition     = toset([for container in jsondecode(aws_ecs_task_definition.this.container_definitions) : container.name]) == toset({{ '["migrate", "app"]' if 'postgresql' in cookiecutter.database else '["app"]' }})
    error_message = "{{ 'Expected the migrate init container and the app container.' if 'postgresql' in cookiecutter.database else 'Expected the app container alone.' }}"
  }

  assert {
    condition     = alltrue([for container in jsondecode(aws_ecs_task_definition.this.container_definitions) : container.image == "${var.ecr_repository_url}@${var.image_digest}"])
    error_message = "Every container must run the image by its digest, never by a tag."
  }

  assert {
    condition     = aws_ecs_task_definition.this.execution_role_arn == var.execution_role_arn && aws_ecs_task_definition.this.task_role_arn == var.task_role_arn
    error_message = "The tasks must run with the roles bootstrap created."
  }

  assert {
    condition     = alltrue([for container in jsondecode(aws_ecs_task_definition.this.container_definitions) : container.readonlyRootFilesystem && container.user == "10001:10001"])
    error_message = "Every container must run as the non-root user on a read-only root filesystem."
  }

  assert {
    condition = alltrue([
      for container in jsondecode(aws_ecs_task_definition.this.container_definitions) :
      container.mountPoints == [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    ]) && one(aws_ecs_task_definition.this.volume[*].name) == "tmp"
    error_message = "/tmp must be a writable task volume in every container."
  }

  assert {
    condition     = one([for container in jsondecode(aws_ecs_task_definition.this.container_definitions) : container.portMappings if container.name == "app"]) == [{ containerPort = 8000, hostPort = 8000, protocol = "tcp" }]
    error_message = "The app container must listen on port 8000."
  }

  assert {
    condition     = [for statement in jsondecode(aws_iam_role_policy.execution.policy).Statement : statement.Sid] == ["AuthenticateToEcr", "PullTheServiceImage", "WriteContainerLogs"]
    error_message = "The execution role's own policy may only pull the image and write logs."
  }

  assert {
    condition     = aws_iam_role_policy.execution.role == var.execution_role_name
    error_message = "The policy belongs on bootstrap's execution role."
  }
{% if 'postgresql' in cookiecutter.database %}

  assert {
    condition     = aws_iam_role_policy.read_database_secret.role == var.execution_role_name
    error_message = "The execution role must be able to read the database secret."
  }
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

  assert {
    condition     = one([for container in jsondecode(aws_ecs_task_definition.this.container_definitions) : { for variable in container.environment : variable.name => variable.value if contains(["ITEMS_TABLE", "AWS_REGION"], variable.name) } if container.name == "app"]) == { ITEMS_TABLE = var.items_table_name, AWS_REGION = var.aws_region }
    error_message = "The app must be told its table and region."
  }

  assert {
    condition     = one([for statement in jsondecode(aws_iam_role_policy.table_access.policy).Statement : statement.Resource if statement.Sid == "ReadAndWriteTheItems"]) == var.items_table_arn
    error_message = "The task role may read and write the items table, and no other."
  }
{% endif %}

  # A rolling deployment with a circuit breaker.
  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback
    error_message = "A failing deployment must be stopped and rolled back."
  }

  assert {
    condition     = aws_ecs_service.this.deployment_minimum_healthy_percent == 100 && aws_ecs_service.this.health_check_grace_period_seconds == 120
    error_message = "Old tasks must keep serving until new ones are healthy, with a grace period covering the start."
  }

  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip == false
    error_message = "Tasks must get no public IP unless assign_public_ip asks for one (public subnets, no NAT gateway)."
  }

  assert {
    condition     = one(aws_ecs_service.this.capacity_provider_strategy[*].capacity_provider) == "FARGATE"
    error_message = "Tasks run on regular Fargate unless use_fargate_spot is set."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_load_balancer.referenced_security_group_id == var.load_balancer_security_group_id && aws_vpc_security_group_ingress_rule.from_load_balancer.from_port == 8000
    error_message = "The tasks must accept connections only from the load balancer, on port 8000."
  }

  assert {
    condition     = one([for setting in aws_ecs_cluster.this.setting : setting.value if setting.name == "containerInsights"]) == "enabled"
    error_message = "Container Insights must be on."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "Logs must be kept a year by default and encrypted with the environment's key."
  }

  # The app container serves and is health-checked as the image says.
  assert {
    condition = local.app_container.healthCheck == {
      command     = ["CMD", "python", "-m", "{{ cookiecutter.package_name }}.health_probe"]
      interval    = 10
      timeout     = 5
      retries     = 3
      startPeriod = 30
    }
    error_message = "ECS must run the image's health probe in the app container: it ignores the Dockerfile's HEALTHCHECK."
  }

  assert {
    condition = alltrue([
      contains(local.app_container.environment, { name = "UVICORN_PORT", value = "8000" }),
      contains(local.app_container.environment, { name = "UVICORN_TIMEOUT_KEEP_ALIVE", value = "65" }),
      contains(local.app_container.environment, { name = "APP_VERSION", value = var.app_version }),
    ])
    error_message = "The app must listen on port 8000, keep idle connections 5 s past the load balancer's 60 s, and report the deployed version."
  }

  # Without secrets the app gets none, and no policy reads any.
  assert {
    condition     = !contains(keys(local.app_container), "secrets") && length(aws_iam_role_policy.read_app_secrets) == 0
    error_message = "Without secrets the app container gets none, and the execution role no policy to read any."
  }

  # ECS Exec is off unless asked for.
  assert {
    condition     = !aws_ecs_service.this.enable_execute_command && length(aws_ecs_cluster.this.configuration) == 0
    error_message = "ECS Exec must be off by default, with no session configuration on the cluster."
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.exec_sessions) == 0 && length(aws_iam_role_policy.exec_sessions) == 0
    error_message = "Without ECS Exec there is no session log group, and the task role may answer no session."
  }

  assert {
    condition     = [for volume in aws_ecs_task_definition.this.volume : volume.name] == ["tmp"] && local.app_container.mountPoints == [local.tmp_mount]
    error_message = "Without ECS Exec the app container's one writable path is /tmp."
  }
}
{% if 'postgresql' in cookiecutter.database %}

run "migrations_run_before_the_app" {
  command = plan

  module {
    source = "./modules/service"
  }

  assert {
    condition     = local.migrate_container.command == ["alembic", "upgrade", "head"] && !local.migrate_container.essential
    error_message = "The migrate init container must run `alembic upgrade head` and be allowed to exit."
  }

  assert {
    condition     = local.app_container.dependsOn == [{ containerName = "migrate", condition = "SUCCESS" }]
    error_message = "The app container must start only after the migrations succeeded."
  }

  assert {
    condition = local.migrate_container.secrets == [
      { name = "DB_USER", valueFrom = "${var.database_secret_arn}:username::" },
      { name = "DB_PASSWORD", valueFrom = "${var.database_secret_arn}:password::" },
    ]
    error_message = "The migrations must read DB_USER and DB_PASSWORD from the RDS-managed secret."
  }

  assert {
    condition     = !contains(keys(local.app_container), "secrets")
    error_message = "The app container must get no secret: it connects with IAM tokens."
  }

  assert {
    condition = alltrue([
      contains(local.app_container.environment, { name = "DB_USER", value = var.database_app_user }),
      contains(local.app_container.environment, { name = "DB_IAM_AUTH", value = "true" }),
      contains(local.app_container.environment, { name = "AWS_REGION", value = var.aws_region }),
      contains(local.migrate_container.environment, { name = "DB_APP_USER", value = var.database_app_user }),
    ])
    error_message = "The app must connect as the service's own role with IAM tokens, and the migrations must grant that role its tables."
  }

  assert {
    condition = alltrue([
      for container in [local.migrate_container, local.app_container] :
      contains(container.environment, { name = "DB_HOST", value = var.database_host }) &&
      contains(container.environment, { name = "DB_PORT", value = "5432" }) &&
      contains(container.environment, { name = "DB_NAME", value = "{{ cookiecutter.package_name }}" }) &&
      contains(container.environment, { name = "DB_SSL_ROOT_CERT", value = "/etc/ssl/certs/rds-ca-bundle.pem" })
    ])
    error_message = "Both containers must get DB_HOST, DB_PORT, DB_NAME and the image's RDS CA bundle as plain environment variables."
  }
}

run "each_container_connects_as_whom_it_needs" {
  command = plan

  module {
    source = "./modules/service"
  }

  assert {
    condition     = aws_iam_role_policy.read_database_secret.role == var.execution_role_name
    error_message = "Only the execution role reads the database secret, for the migrate container."
  }

  assert {
    condition     = aws_iam_role_policy.connect_to_the_database.role == var.task_role_name
    error_message = "The task role connects to the database."
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.connect_to_the_database.json).Statement == [
      {
        Sid      = "ConnectAsTheServicesOwnRole"
        Effect   = "Allow"
        Action   = "rds-db:connect"
        Resource = "arn:aws:rds-db:{{ cookiecutter.aws_region }}:123456789012:dbuser:${var.database_resource_id}/${var.database_app_user}"
      },
    ]
    error_message = "The task role may log in to this database as the service's own role, and as no one else."
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.read_database_secret.json).Statement == [
      {
        Sid      = "ReadTheDatabaseSecret"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:rds!*"
        Condition = {
          StringEquals = { "aws:ResourceTag/aws:rds:primaryDB{{ 'Cluster' if cookiecutter.database == 'aurora-postgresql' else 'Instance' }}Arn" = var.database_arn }
        }
      },
      {
        Sid      = "DecryptItThroughSecretsManager"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/*"
        Condition = {
          StringEquals = {
            "aws:ResourceTag/Environment" = "staging"
            "kms:ViaService"              = "secretsmanager.{{ cookiecutter.aws_region }}.amazonaws.com"
          }
        }
      },
    ]
    error_message = "The secret policy may read the database secret, decrypted through Secrets Manager, and nothing else."
  }
}

run "a_database_app_user_that_is_no_role_name_is_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    database_app_user = "orders-api; DROP TABLE items"
  }

  expect_failures = [var.database_app_user]
}
{% else %}

run "the_app_starts_alone" {
  command = plan

  module {
    source = "./modules/service"
  }

  assert {
    condition     = alltrue([for container in jsondecode(aws_ecs_task_definition.this.container_definitions) : !contains(keys(container), "dependsOn")])
    error_message = "The app container waits for no other container."
  }
}
{% endif %}
{% if cookiecutter.events == 'yes' %}

run "the_app_publishes_on_its_own_bus_under_its_own_source_only" {
  command = plan

  module {
    source = "./modules/service"
  }

  assert {
    condition     = contains(one([for container in jsondecode(aws_ecs_task_definition.this.container_definitions) : container.environment if container.name == "app"]), { name = "EVENT_BUS_ARN", value = var.event_bus_arn })
    error_message = "The app container must be told the bus to publish on."
  }

  assert {
    condition     = aws_iam_role_policy.publish_events.role == var.task_role_name
    error_message = "The task role publishes the events."
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.publish_events.json).Statement == [
      {
        Sid       = "PublishOnTheEnvironmentsBus"
        Effect    = "Allow"
        Action    = "events:PutEvents"
        Resource  = var.event_bus_arn
        Condition = { StringEquals = { "events:source" = var.event_source } }
      },
    ]
    error_message = "The task role may put events on its own bus, under its own source, and nothing else."
  }
}
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

run "the_app_signs_uploads_under_items_only" {
  command = plan

  module {
    source = "./modules/service"
  }

  assert {
    condition     = contains(one([for container in jsondecode(aws_ecs_task_definition.this.container_definitions) : container.environment if container.name == "app"]), { name = "ASSETS_BUCKET", value = var.assets_bucket_name })
    error_message = "The app container must be told the bucket of the items' files."
  }

  assert {
    condition     = aws_iam_role_policy.uploads.role == var.task_role_name
    error_message = "The task role signs the uploads."
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.uploads.json).Statement == [
      {
        Sid      = "PutTheItemsFiles"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${var.assets_bucket_arn}/items/*"
      },
      {
        Sid      = "EncryptThemThroughS3"
        Effect   = "Allow"
        Action   = "kms:GenerateDataKey"
        Resource = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/*"
        Condition = {
          StringEquals = {
            "aws:ResourceTag/Environment" = var.environment
            "kms:ViaService"              = "s3.{{ cookiecutter.aws_region }}.amazonaws.com"
          }
        }
      },
    ]
    error_message = "The task role may put objects under items/ in its own bucket, with its own key through S3, and nothing else."
  }
}
{% endif %}

run "autoscaling_on_cpu_memory_and_requests" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    min_capacity = 2
    max_capacity = 6
  }

  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 2 && aws_appautoscaling_target.this.max_capacity == 6
    error_message = "Autoscaling must keep the service between min_capacity and max_capacity tasks."
  }

  assert {
    condition = (
      aws_appautoscaling_policy.this["cpu"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization" &&
      aws_appautoscaling_policy.this["memory"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageMemoryUtilization" &&
      aws_appautoscaling_policy.this["requests"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget"
    )
    error_message = "Expected target tracking on CPU, memory and requests per target."
  }

  assert {
    condition     = aws_appautoscaling_policy.this["requests"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].resource_label == "${var.load_balancer_arn_suffix}/${var.target_group_arn_suffix}"
    error_message = "Request-count scaling must watch this service's target group."
  }
}

run "fargate_spot_runs_x86_64_tasks" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    use_fargate_spot = true
    cpu_architecture = "X86_64"
    desired_count    = 1
    min_capacity     = 1
    max_capacity     = 2
  }

  assert {
    condition     = one(aws_ecs_service.this.capacity_provider_strategy[*].capacity_provider) == "FARGATE_SPOT" && aws_ecs_service.this.desired_count == 1
    error_message = "use_fargate_spot must move the tasks to Fargate Spot."
  }
}

run "fargate_spot_refuses_arm64_tasks" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    use_fargate_spot = true
    cpu_architecture = "ARM64"
  }

  expect_failures = [var.use_fargate_spot]
}

run "the_container_port_and_idle_timeout_reach_uvicorn_and_the_security_group" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    container_port             = 8080
    load_balancer_idle_timeout = 120
    environment_variables      = { FEATURE_FLAGS = "beta" }
  }

  assert {
    condition     = local.app_container.portMappings == [{ containerPort = 8080, hostPort = 8080, protocol = "tcp" }]
    error_message = "The app container must map the configured port."
  }

  assert {
    condition = alltrue([
      contains(local.app_container.environment, { name = "UVICORN_PORT", value = "8080" }),
      contains(local.app_container.environment, { name = "UVICORN_TIMEOUT_KEEP_ALIVE", value = "125" }),
      contains(local.app_container.environment, { name = "FEATURE_FLAGS", value = "beta" }),
    ])
    error_message = "uvicorn must listen on the configured port with keep-alive past the idle timeout, beside the extra variables."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_load_balancer.from_port == 8080 && aws_vpc_security_group_ingress_rule.from_load_balancer.to_port == 8080 && one(aws_ecs_service.this.load_balancer[*].container_port) == 8080
    error_message = "The load balancer must reach the tasks on the configured port, and only on it."
  }
}

run "a_privileged_container_port_is_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    container_port = 80
  }

  expect_failures = [var.container_port]
}

run "environment_variables_that_the_task_sets_itself_are_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    environment_variables = { UVICORN_PORT = "9000", APP_VERSION = "forged" }
  }

  expect_failures = [aws_ecs_task_definition.this]
}

run "an_app_version_with_spaces_is_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    app_version = "release one"
  }

  expect_failures = [var.app_version]
}

run "desired_count_0_pauses_the_service_through_autoscaling" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    desired_count = 0
    min_capacity  = 2
    max_capacity  = 10
  }

  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 0 && aws_appautoscaling_target.this.max_capacity == 0 && aws_ecs_service.this.desired_count == 0
    error_message = "A paused service must start no task, and autoscaling must have no room above zero."
  }
}

run "a_negative_desired_count_is_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    desired_count = -1
  }

  expect_failures = [var.desired_count]
}

run "autoscaling_targets_come_from_the_variables" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    cpu_target_percent    = 70
    memory_target_percent = 80
    requests_per_target   = 500
  }

  assert {
    condition = (
      aws_appautoscaling_policy.this["cpu"].target_tracking_scaling_policy_configuration[0].target_value == 70 &&
      aws_appautoscaling_policy.this["memory"].target_tracking_scaling_policy_configuration[0].target_value == 80 &&
      aws_appautoscaling_policy.this["requests"].target_tracking_scaling_policy_configuration[0].target_value == 500
    )
    error_message = "Each target tracking policy must aim at its variable's value."
  }
}

run "secrets_reach_the_app_through_the_execution_role" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    secrets = {
      API_KEY       = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:{{ cookiecutter.project_slug }}/staging/api-key-AbCdEf"
      WEBHOOK_TOKEN = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:{{ cookiecutter.project_slug }}/staging/webhooks-GhIjKl:token::"
    }
  }

  assert {
    condition = local.app_container.secrets == [
      { name = "API_KEY", valueFrom = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:{{ cookiecutter.project_slug }}/staging/api-key-AbCdEf" },
      { name = "WEBHOOK_TOKEN", valueFrom = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:{{ cookiecutter.project_slug }}/staging/webhooks-GhIjKl:token::" },
    ]
    error_message = "Each secret must reach the app container by its ARN (and JSON key), never by value."
  }

  assert {
    condition     = aws_iam_role_policy.read_app_secrets[0].role == var.execution_role_name
    error_message = "The execution role reads the app's secrets, as the ECS agent starts the task."
  }

  assert {
    condition = toset(jsondecode(data.aws_iam_policy_document.read_app_secrets[0].json).Statement[0].Resource) == toset([
      "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:{{ cookiecutter.project_slug }}/staging/api-key-AbCdEf",
      "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:{{ cookiecutter.project_slug }}/staging/webhooks-GhIjKl",
    ])
    error_message = "The execution role may read the given secrets, by their own ARNs, and no others."
  }
}

run "a_secret_from_another_region_is_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    secrets = { API_KEY = "arn:aws:secretsmanager:{{ 'eu-west-1' if cookiecutter.aws_region != 'eu-west-1' else 'us-east-1' }}:123456789012:secret:api-key-AbCdEf" }
  }

  expect_failures = [var.secrets]
}

run "a_secret_that_shadows_a_setting_is_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    secrets = { HTTPS_ONLY = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:https-only-AbCdEf" }
  }

  expect_failures = [aws_ecs_task_definition.this]
}

run "office_hours_scale_the_service_to_nothing_outside_them" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    min_capacity = 1
    max_capacity = 3
    office_hours = {
      start     = "cron(0 8 ? * MON-FRI *)"
      stop      = "cron(30 19 ? * MON-FRI *)"
      time_zone = "Europe/Berlin"
    }
  }

  assert {
    condition = {
      for key, action in aws_appautoscaling_scheduled_action.office_hours :
      key => [action.schedule, action.timezone, one(action.scalable_target_action).min_capacity, one(action.scalable_target_action).max_capacity]
      } == {
      start = ["cron(0 8 ? * MON-FRI *)", "Europe/Berlin", "1", "3"]
      stop  = ["cron(30 19 ? * MON-FRI *)", "Europe/Berlin", "0", "0"]
    }
    error_message = "At start autoscaling must get min_capacity-max_capacity back, at stop no room above zero."
  }
}

run "without_office_hours_or_when_paused_nothing_is_scheduled" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    desired_count = 0
    office_hours = {
      start     = "cron(0 8 ? * MON-FRI *)"
      stop      = "cron(0 20 ? * MON-FRI *)"
      time_zone = "UTC"
    }
  }

  assert {
    condition     = length(aws_appautoscaling_scheduled_action.office_hours) == 0
    error_message = "A paused service must not be started by its office hours."
  }
}

run "a_bad_cron_expression_is_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    office_hours = {
      start     = "0 8 * * 1-5"
      stop      = "cron(0 20 ? * MON-FRI *)"
      time_zone = "UTC"
    }
  }

  expect_failures = [var.office_hours]
}

run "a_time_zone_that_is_no_time_zone_is_refused" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    office_hours = {
      start     = "cron(0 8 ? * MON-FRI *)"
      stop      = "cron(0 20 ? * MON-FRI *)"
      time_zone = "CET; rm -rf /"
    }
  }

  expect_failures = [var.office_hours]
}

run "ecs_exec_sessions_are_encrypted_logged_and_answered_by_the_task_role" {
  command = plan

  module {
    source = "./modules/service"
  }

  variables {
    enable_execute_command = true
  }

  assert {
    condition     = aws_ecs_service.this.enable_execute_command
    error_message = "enable_execute_command must turn ECS Exec on for the service."
  }

  assert {
    condition = (
      aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].kms_key_id == var.kms_key_arn
      && aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].logging == "OVERRIDE"
      && aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].log_configuration[0].cloud_watch_log_group_name == var.exec_log_group_name
      && aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].log_configuration[0].cloud_watch_encryption_enabled
    )
    error_message = "Sessions must be encrypted with the environment's key and logged to their own encrypted log group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.exec_sessions[0].kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.exec_sessions[0].retention_in_days == var.log_retention_days
    error_message = "The session log group must be encrypted with the environment's key and kept as long as the service's logs."
  }

  assert {
    condition = (
      local.app_container.readonlyRootFilesystem
      && toset([for mount in local.app_container.mountPoints : mount.containerPath]) == toset(["/tmp", "/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"])
      && toset([for volume in aws_ecs_task_definition.this.volume : volume.name]) == toset(concat(["tmp"], keys(local.exec_agent_volumes)))
    )
    error_message = "The app container's root filesystem must stay read-only, with writable task volumes on the agent's three paths only."
  }

  assert {
    condition     = aws_iam_role_policy.exec_sessions[0].role == var.task_role_name
    error_message = "The agent in the task answers sessions as the task role."
  }

  assert {
    condition = [for statement in jsondecode(data.aws_iam_policy_document.exec_sessions[0].json).Statement : statement.Sid] == [
      "OpenTheSessionChannels", "DecryptTheSessionWithTheEnvironmentsKey", "FindTheSessionLogGroup", "LogTheSessions",
    ]
    error_message = "The task role's session policy must hold exactly the channels, the key, and the session log group."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.exec_sessions[0].json).Statement[3].Resource == "arn:aws:logs:{{ cookiecutter.aws_region }}:123456789012:log-group:/ecs/{{ cookiecutter.project_slug }}-test/exec-sessions:*"
    error_message = "The task role may write session logs to the session log group only, never to the app's."
  }
}
