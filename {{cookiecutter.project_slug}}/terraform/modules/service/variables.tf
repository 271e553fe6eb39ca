variable "name" {
  description = "Name of the cluster, service, task family and log group, e.g. orders-api-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment, passed to the application as ENVIRONMENT."
  type        = string
}

variable "aws_region" {
  description = "Region of the service, for the awslogs log driver."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC the tasks run in."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the tasks: private subnets behind NAT, or public subnets with assign_public_ip."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Give subnets in at least two availability zones."
  }
}

variable "assign_public_ip" {
  description = "Whether tasks get a public IP: needed to reach ECR and AWS APIs from public subnets without NAT."
  type        = bool
  default     = false
}

variable "load_balancer_security_group_id" {
  description = "Security group of the load balancer: the only source the tasks accept connections from."
  type        = string
}

variable "target_group_arn" {
  description = "ARN of the load balancer target group the tasks register in."
  type        = string
}

variable "load_balancer_arn_suffix" {
  description = "ARN suffix of the load balancer, for request-count autoscaling."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the target group, for request-count autoscaling."
  type        = string
}

variable "ecr_repository_url" {
  description = "URL of the ECR repository holding the service image (created by terraform/bootstrap)."
  type        = string
}

variable "ecr_repository_arn" {
  description = "ARN of that ECR repository: the only one the tasks may pull from."
  type        = string
}

variable "image_digest" {
  description = "Digest of the image to run (sha256:<64 hex digits>), in that repository. A deploy is an apply with a new digest."
  type        = string

  validation {
    condition     = can(regex("^sha256:[0-9a-f]{64}$", var.image_digest))
    error_message = "image_digest must be an image digest: sha256: and 64 lowercase hex digits."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks; the image must be built for it: ARM64 or X86_64."
  type        = string

  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be ARM64 or X86_64."
  }
}

variable "cpu" {
  description = "CPU units of a task (1024 = 1 vCPU)."
  type        = number
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Memory of a task in MiB; it must be a size Fargate allows for the chosen cpu."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880 && var.memory % 512 == 0
    error_message = "memory must be a multiple of 512 MiB between 512 and 122880."
  }
}

variable "container_port" {
  description = "Port the application container listens on (passed to uvicorn as UVICORN_PORT)."
  type        = number
  default     = 8000

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be a whole number from 1024 to 65535: the container runs as a non-root user, which cannot listen below 1024."
  }
}

variable "load_balancer_idle_timeout" {
  description = "The load balancer's idle timeout in seconds: the app keeps idle connections 5 s longer, so the balancer closes them first."
  type        = number
  default     = 60

  validation {
    condition     = var.load_balancer_idle_timeout >= 1 && var.load_balancer_idle_timeout <= 4000
    error_message = "load_balancer_idle_timeout must be between 1 and 4000 seconds."
  }
}

variable "app_version" {
  description = "What the deploy runs, passed to the application as APP_VERSION and shown by GET /info: the commit and image digest."
  type        = string

  validation {
    condition     = can(regex("^[!-~]{1,200}$", var.app_version))
    error_message = "app_version must be 1 to 200 printable characters without spaces, e.g. <commit>@sha256:<digest>."
  }
}

variable "container_user" {
  description = "UID:GID the containers run as; it must match the non-root USER of the Dockerfile."
  type        = string
  default     = "10001:10001"

  validation {
    condition     = can(regex("^[1-9][0-9]*(:[1-9][0-9]*)?$", var.container_user))
    error_message = "container_user must be a non-root numeric UID or UID:GID, e.g. 10001:10001."
  }
}

variable "https_only" {
  description = "Whether the load balancer serves the application over HTTPS only: the app then sends Strict-Transport-Security (HTTPS_ONLY)."
  type        = bool
}

variable "environment_variables" {
  description = "Extra plain environment variables of the application container{% if 'postgresql' in cookiecutter.database %} and the migrations{% endif %}; never put secrets here."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.environment_variables) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", name))])
    error_message = "environment_variables names must be letters, digits and underscores, not starting with a digit."
  }
}

variable "secrets" {
  description = "Secrets of the application container as environment variables: name => the full ARN of a Secrets Manager secret in this region, optionally followed by :json-key:version-stage:version-id. Tag each secret Environment = <environment>: the workload roles may read no other."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.secrets) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", name)) && !contains(keys(var.environment_variables), name)])
    error_message = "secrets names must be letters, digits and underscores, not starting with a digit, and not also in environment_variables."
  }

  validation {
    condition     = alltrue([for value_from in values(var.secrets) : can(regex("^arn:aws[a-z-]*:secretsmanager:${var.aws_region}:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]+(:[^:]*:[^:]*:[^:]*)?$", value_from))])
    error_message = "Each secret must be the ARN of a Secrets Manager secret in aws_region (arn:aws:secretsmanager:<region>:<account>:secret:<name>), optionally followed by :json-key:version-stage:version-id."
  }
}

variable "desired_count" {
  description = "Tasks to start with; autoscaling adjusts the count afterwards. 0 pauses the service: autoscaling then keeps it at no task."
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= 0 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a whole number, 0 (paused) or more."
  }
}

variable "min_capacity" {
  description = "Fewest tasks autoscaling may run."
  type        = number
  default     = 2

  validation {
    condition     = var.min_capacity >= 1
    error_message = "min_capacity must be at least 1."
  }
}

variable "max_capacity" {
  description = "Most tasks autoscaling may run."
  type        = number
  default     = 6

  validation {
    condition     = var.max_capacity >= var.min_capacity
    error_message = "max_capacity must be at least min_capacity."
  }
}

variable "use_fargate_spot" {
  description = "Whether to run the tasks on Fargate Spot: about 70% cheaper, but AWS may stop a task at two minutes' notice. X86_64 tasks only."
  type        = bool
  default     = false

  validation {
    # AWS places no ARM64 task on Fargate Spot: the service would never start one.
    condition     = !var.use_fargate_spot || var.cpu_architecture == "X86_64"
    error_message = "Fargate Spot runs X86_64 tasks only: set use_fargate_spot = false for ARM64 tasks."
  }
}

variable "deployment_alarm_names" {
  description = "CloudWatch alarms that judge a release: one going off during a deployment rolls it back. Empty: the circuit breaker alone judges."
  type        = list(string)
  default     = []
}

variable "office_hours" {
  description = "When the service runs: at start, scheduled actions give autoscaling its min_capacity-max_capacity range back, at stop they scale the service to no task. start and stop are cron(minutes hours ? * days *) in time_zone (an IANA name, e.g. Europe/Berlin). null: always on."
  type = object({
    start     = string
    stop      = string
    time_zone = string
  })
  default = null

  validation {
    condition     = var.office_hours == null || alltrue([for schedule in [try(var.office_hours.start, ""), try(var.office_hours.stop, "")] : can(regex("^cron\\(([0-9]|[1-5][0-9]) ([0-9]|1[0-9]|2[0-3]) \\? \\* (\\*|(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?(,(MON|TUE|WED|THU|FRI|SAT|SUN)(-(MON|TUE|WED|THU|FRI|SAT|SUN))?)*) \\*\\)$", schedule))])
    error_message = "office_hours start and stop must be cron(minutes hours ? * days *), e.g. cron(0 8 ? * MON-FRI *): minutes 0-59, hours 0-23, days * or MON-FRI style ranges and lists."
  }

  validation {
    condition     = var.office_hours == null || can(regex("^(UTC|[A-Z][A-Za-z_]+(/[A-Z][A-Za-z0-9_+-]+){1,2})$", try(var.office_hours.time_zone, "")))
    error_message = "office_hours time_zone must be an IANA time zone such as UTC or Europe/Berlin."
  }

  validation {
    condition     = var.office_hours == null || try(var.office_hours.start != var.office_hours.stop, false)
    error_message = "office_hours start and stop must differ."
  }
}

variable "health_check_grace_period" {
  description = "Seconds a new task has before failed load balancer health checks count{% if 'postgresql' in cookiecutter.database %}, including the migrations that run first{% endif %}."
  type        = number
  default     = 120

  validation {
    condition     = var.health_check_grace_period >= 0 && var.health_check_grace_period <= 2147483647
    error_message = "health_check_grace_period must be zero or more seconds."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation autoscaling keeps the service at."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent > 0 && var.cpu_target_percent <= 100
    error_message = "cpu_target_percent must be between 1 and 100."
  }
}

variable "memory_target_percent" {
  description = "Average memory utilisation autoscaling keeps the service at."
  type        = number
  default     = 75

  validation {
    condition     = var.memory_target_percent > 0 && var.memory_target_percent <= 100
    error_message = "memory_target_percent must be between 1 and 100."
  }
}

variable "requests_per_target" {
  description = "Load balancer requests per task per minute that autoscaling aims for."
  type        = number
  default     = 1000

  validation {
    condition     = var.requests_per_target > 0
    error_message = "requests_per_target must be positive."
  }
}

variable "log_group_name" {
  description = "Name of the CloudWatch log group of the containers."
  type        = string
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the containers' logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs supports, e.g. 14, 30, 90 or 365."
  }
}

variable "enable_execute_command" {
  description = "Whether ECS Exec may open a shell in the app container (make shell)."
  type        = bool
  default     = false
}

variable "exec_log_group_name" {
  description = "Name of the CloudWatch log group of the ECS Exec sessions, created only with enable_execute_command."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the environment's KMS key: it encrypts the log groups and the ECS Exec sessions{% if 'postgresql' in cookiecutter.database %}, and the database secret the tasks read{% endif %}."
  type        = string
}
{% if 'postgresql' in cookiecutter.database %}

variable "database_host" {
  description = "Host name of the database, passed to the application as DB_HOST."
  type        = string
}

variable "database_port" {
  description = "Port of the database, passed to the application as DB_PORT."
  type        = number
}

variable "database_name" {
  description = "Name of the application's database, passed to the application as DB_NAME."
  type        = string
}

variable "database_arn" {
  description = "ARN of the database, which RDS tags the password's secret with: the tasks may read the secret carrying it."
  type        = string
}

variable "database_secret_owner_condition_key" {
  description = "IAM condition key of that tag (aws:ResourceTag/aws:rds:primaryDBInstanceArn or ...primaryDBClusterArn)."
  type        = string

  validation {
    condition     = can(regex("^aws:ResourceTag/aws:rds:primaryDB(Instance|Cluster)Arn$", var.database_secret_owner_condition_key))
    error_message = "database_secret_owner_condition_key must be the tag RDS puts on the secrets it manages."
  }
}

variable "database_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the master username and password (JSON keys username and password), which the migrations connect with."
  type        = string
}

variable "database_resource_id" {
  description = "RDS's resource ID of the database, which the task role's rds-db:connect names."
  type        = string
}

variable "database_app_user" {
  description = "Database role the app connects as with IAM authentication (the migrations create it), passed to the app as DB_USER and to the migrations as DB_APP_USER."
  type        = string

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_app_user))
    error_message = "database_app_user must be a PostgreSQL role name: lowercase letters, digits and underscores, at most 63, not starting with a digit."
  }
}
{% endif %}

variable "execution_role_name" {
  description = "Name of the role the ECS agent starts the tasks with (created by terraform/bootstrap); this module writes its policies."
  type        = string
}

variable "execution_role_arn" {
  description = "ARN of that role."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN."
  }
}

variable "task_role_name" {
  description = "Name of the role the application runs as (created by terraform/bootstrap); this module writes its policies."
  type        = string
}

variable "task_role_arn" {
  description = "ARN of that role."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN."
  }
}
{% if cookiecutter.events == 'yes' %}

variable "event_bus_arn" {
  description = "ARN of the event bus the service publishes its items' events on."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._-]+$", var.event_bus_arn))
    error_message = "event_bus_arn must be an EventBridge event bus ARN."
  }
}

variable "event_source" {
  description = "The source the service publishes its events under (its events.SOURCE); it may publish under no other."
  type        = string
}
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

variable "items_table_name" {
  description = "Name of the items table the app reads and writes (its ITEMS_TABLE)."
  type        = string
}

variable "items_table_arn" {
  description = "ARN of that table: the task role may read and write its records, nothing more."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}$", var.items_table_arn))
    error_message = "items_table_arn must be a DynamoDB table ARN."
  }
}
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

variable "assets_bucket_name" {
  description = "Name of the bucket the items' files are uploaded to."
  type        = string
}

variable "assets_bucket_arn" {
  description = "ARN of that bucket: the task role may put objects under its items/ prefix."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.assets_bucket_arn))
    error_message = "assets_bucket_arn must be an S3 bucket ARN."
  }
}
{% endif %}
