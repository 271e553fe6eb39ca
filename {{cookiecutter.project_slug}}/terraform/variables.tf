# Defaults are the production-safe choices; environments/staging.tfvars opts into the cheap ones.

variable "project" {
  description = "Name of the service; prefixes every resource name and names the ECR repository."
  type        = string
  default     = "{{ cookiecutter.project_slug }}"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.project))
    error_message = "project must be kebab-case, at most 20 characters (the load balancer name adds the environment)."
  }
}

variable "repository" {
  description = "GitHub repository (owner/name) the infrastructure is deployed from; tagged on every resource."
  type        = string
  default     = "{{ cookiecutter.github_repository }}"
}

variable "environment" {
  description = "Deployment environment: staging or production."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "aws_region" {
  description = "AWS region of the environment."
  type        = string
  default     = "{{ cookiecutter.aws_region }}"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as us-east-1."
  }
}

variable "image_digest" {
  description = "Digest of the service image in ECR to run (sha256:...): `make deploy` resolves the commit's tag to it. A deploy is an apply with a new digest."
  type        = string

  validation {
    condition     = can(regex("^sha256:[0-9a-f]{64}$", var.image_digest))
    error_message = "image_digest must be an image digest: sha256: and 64 lowercase hex digits."
  }
}

variable "app_version" {
  description = "What the deploy runs, shown by GET /info (APP_VERSION): `make deploy` sets <commit>@<image digest>."
  type        = string
}

variable "vpc_cidr_block" {
  description = "IPv4 range of the environment's VPC; give each environment its own so they can be peered later."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr_block))
    error_message = "vpc_cidr_block must be an IPv4 CIDR block such as 10.0.0.0/16."
  }
}

variable "availability_zone_count" {
  description = "Availability zones the subnets, load balancer and tasks spread over: 2 to 4 (with one-per-az NAT, a gateway each)."
  type        = number
  default     = 2
}

variable "nat_gateways" {
  description = "NAT gateways for the tasks' outbound traffic: single, one-per-az, or none (tasks get public IPs in the public subnets)."
  type        = string
  default     = "{{ cookiecutter.nat_gateways }}"

  validation {
    condition     = contains(["single", "one-per-az", "none"], var.nat_gateways)
    error_message = "nat_gateways must be one of: single, one-per-az, none."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks, matching the image build: ARM64 or X86_64."
  type        = string
  default     = "{{ 'ARM64' if cookiecutter.cpu_architecture == 'arm64' else 'X86_64' }}"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture must be ARM64 or X86_64."
  }
}

variable "task_cpu" {
  description = "CPU units per task (1024 = 1 vCPU)."
  type        = number
  default     = 512
}

variable "task_memory" {
  description = "Memory per task in MiB, a size Fargate allows for task_cpu."
  type        = number
  default     = 1024
}

variable "desired_count" {
  description = "Tasks the service starts with; autoscaling moves it between min_capacity and max_capacity. 0 pauses the service (no task runs until it is set back)."
  type        = number
  default     = 2
}

variable "min_capacity" {
  description = "Fewest tasks autoscaling may run; 2 or more keeps a task in each availability zone."
  type        = number
  default     = 2
}

variable "max_capacity" {
  description = "Most tasks autoscaling may run."
  type        = number
  default     = 6
}

variable "office_hours" {
  description = "Run the service only within these hours, e.g. { start = \"cron(0 8 ? * MON-FRI *)\", stop = \"cron(0 20 ? * MON-FRI *)\", time_zone = \"Europe/Berlin\" }: it scales to no task at stop and back at start. null: always on."
  type = object({
    start     = string
    stop      = string
    time_zone = string
  })
  default = null
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation of the tasks that autoscaling keeps the service at."
  type        = number
  default     = 60
}

variable "memory_target_percent" {
  description = "Average memory utilisation of the tasks that autoscaling keeps the service at."
  type        = number
  default     = 75
}

variable "requests_per_target" {
  description = "Load balancer requests per task per minute that autoscaling aims for."
  type        = number
  default     = 1000
}

variable "use_fargate_spot" {
  description = "Whether to run the tasks on Fargate Spot (cheaper, interruptible; X86_64 tasks only)."
  type        = bool
  default     = false
}

variable "container_port" {
  description = "Port the application listens on in its container; the load balancer forwards to it."
  type        = number
  default     = 8000
}

variable "environment_variables" {
  description = "Extra plain environment variables of the application{% if 'postgresql' in cookiecutter.database %} and its migrations{% endif %}, e.g. { FEATURE_X = \"on\" }; never secrets."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Secrets of the application as environment variables: name => full ARN of a Secrets Manager secret in aws_region (optionally :json-key::). Tag each secret Environment = <environment>; the tasks may read no other."
  type        = map(string)
  default     = {}
}

variable "health_check_path" {
  description = "Path the load balancer polls on every task; a 200 means the process is alive."
  type        = string
  default     = "/health"
}

variable "health_check_interval" {
  description = "Seconds between two load balancer health checks of a task."
  type        = number
  default     = 15
}

variable "health_check_timeout" {
  description = "Seconds a load balancer health check waits for the answer."
  type        = number
  default     = 5
}

variable "health_check_healthy_threshold" {
  description = "Consecutive passed health checks that put a task in service."
  type        = number
  default     = 2
}

variable "health_check_unhealthy_threshold" {
  description = "Consecutive failed health checks that take a task out of service (ECS then replaces it)."
  type        = number
  default     = 3
}

variable "enable_execute_command" {
  description = "Whether people who hold the environment's shell policy (terraform/bootstrap) may open a shell in a running app container with make shell (ECS Exec). Tasks started before it was turned on have no shell: make deploy replaces them."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the service's logs, its ECS Exec sessions' and the VPC flow logs."
  type        = number
  default     = 365
}

variable "alarm_email_addresses" {
  description = "E-mail addresses the environment's alarms (and its budget) go to; each confirms its subscription from AWS's first e-mail. Empty: subscribe to the topic later."
  type        = list(string)
  default     = []
}

variable "alarm_thresholds" {
  description = "When the service's alarms go off; give only those to change, e.g. { cpu_percent = 90 }. Percent of requests answered 5xx by the load balancer or the tasks, p99 response time in seconds, the tasks' average CPU and memory in percent."
  type = object({
    load_balancer_5xx_percent = optional(number, 5)
    target_5xx_percent        = optional(number, 5)
    p99_response_time_seconds = optional(number, 2)
    cpu_percent               = optional(number, 85)
    memory_percent            = optional(number, 85)
  })
  default = {}
}
{% if cookiecutter.database == 'aurora-postgresql' %}

variable "database_alarm_thresholds" {
  description = "When the database's alarms go off; give only those to change. Average CPU and ACU use in percent, connections, freeable memory in MiB."
  type = object({
    cpu_percent         = optional(number, 80)
    acu_percent         = optional(number, 90)
    connections         = optional(number, 200)
    freeable_memory_mib = optional(number, 256)
  })
  default = {}
}
{% elif cookiecutter.database == 'postgresql' %}

variable "database_alarm_thresholds" {
  description = "When the database's alarms go off; give only those to change. Average CPU in percent, free storage in GiB, connections, freeable memory in MiB."
  type = object({
    cpu_percent         = optional(number, 80)
    free_storage_gib    = optional(number, 2)
    connections         = optional(number, 80)
    freeable_memory_mib = optional(number, 128)
  })
  default = {}
}
{% endif %}

variable "monthly_budget_usd" {
  description = "Monthly cost budget of the environment in US dollars: the alarm topic hears at 80% spent and when the month is forecast to pass it. null: no budget."
  type        = number
  default     = null
}

variable "load_balancer_idle_timeout" {
  description = "Seconds a client connection to the load balancer may stay idle."
  type        = number
  default     = 60
}

variable "load_balancer_deletion_protection" {
  description = "Whether AWS refuses to delete the load balancer until this is turned off."
  type        = bool
  default     = true
}

variable "load_balancer_access_logs_bucket" {
  description = "S3 bucket for the load balancer's access logs; null leaves them off."
  type        = string
  default     = null
}
{% if cookiecutter.waf == 'yes' %}

variable "waf_enabled" {
  description = "Whether a web application firewall (modules/waf) protects the {{ 'CloudFront distribution' if cookiecutter.cdn == 'yes' else 'load balancer' }}: about $10 a month plus $0.60 per million requests."
  type        = bool
  default     = false
}

variable "waf_rate_limit" {
  description = "Requests one client address may send in any 5 minutes before the firewall blocks the next ones."
  type        = number
  default     = 2000
}

variable "waf_max_body_bytes" {
  description = "Largest request body the firewall lets through, in bytes (at most 8192)."
  type        = number
  default     = 8192
}
{% endif %}
{% if cookiecutter.https != 'off' %}

variable "domain_name" {
  description = "Domain name production is served on, e.g. api.acme.com; staging is served on staging.<domain_name>."
  type        = string
  default     = "{{ cookiecutter.domain_name }}"
}
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}

variable "route53_zone" {
  description = "Public Route 53 hosted zone holding domain_name; the certificate is validated and the alias record created there."
  type        = string
  default     = "{{ cookiecutter.route53_zone }}"
}
{% elif cookiecutter.https == 'acm-existing' %}

variable "certificate_arn" {
  description = "ARN of the issued ACM certificate for domain_name, in aws_region."
  type        = string
}
{% endif %}
{% if cookiecutter.cdn == 'yes' %}

variable "cdn_price_class" {
  description = "Edge locations of the CloudFront distribution: PriceClass_100 (North America, Europe, Israel: the cheapest), PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"
}
{% if cookiecutter.https == 'acm-existing' %}

variable "cdn_certificate_arn" {
  description = "ARN of the issued ACM certificate for domain_name in us-east-1, which CloudFront serves."
  type        = string
}
{% endif %}
{% endif %}
{% if 'postgresql' in cookiecutter.database %}

variable "database_name" {
  description = "Name of the application's database."
  type        = string
  default     = "{{ cookiecutter.package_name }}"
}
{% if cookiecutter.database == 'aurora-postgresql' %}

variable "database_min_capacity" {
  description = "Fewest Aurora Serverless v2 capacity units (ACUs) the cluster scales down to."
  type        = number
  default     = 0.5
}

variable "database_max_capacity" {
  description = "Most Aurora Serverless v2 capacity units (ACUs) the cluster scales up to."
  type        = number
  default     = 8
}

variable "database_instance_count" {
  description = "Aurora instances: a writer plus readers in other zones to fail over to (2 or more for high availability)."
  type        = number
  default     = 2
}
{% else %}

variable "database_instance_class" {
  description = "RDS instance class of the database."
  type        = string
  default     = "db.t4g.medium"
}

variable "database_multi_az" {
  description = "Whether the database keeps a synchronous standby in a second availability zone."
  type        = bool
  default     = true
}
{% endif %}

variable "database_backup_retention_days" {
  description = "Days of automated database backups (point-in-time recovery window)."
  type        = number
  default     = 14
}

variable "database_deletion_protection" {
  description = "Whether AWS refuses to delete the database until this is turned off."
  type        = bool
  default     = true
}

variable "database_skip_final_snapshot" {
  description = "Whether destroying the database skips the final snapshot; keep false wherever the data matters."
  type        = bool
  default     = false
}
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}

variable "table_deletion_protection" {
  description = "Whether DynamoDB refuses to delete the items table until this is turned off."
  type        = bool
  default     = true
}

variable "table_throttle_alarm_threshold" {
  description = "Throttled reads and writes of the items table per minute above which its alarm goes off (3 minutes of 5)."
  type        = number
  default     = 0
}
{% endif %}
{% if cookiecutter.events == 'yes' %}

variable "event_archive_retention_days" {
  description = "Days the event bus's archive keeps each event for replay (modules/events); 0 keeps them forever."
  type        = number
  default     = 90
}
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

variable "assets_noncurrent_version_days" {
  description = "Days the bucket of the items' files keeps an overwritten or deleted file's old version (modules/object_storage)."
  type        = number
  default     = 30
}

variable "assets_force_destroy" {
  description = "Whether destroying the environment deletes the bucket of the items' files with everything in it; off, a bucket holding files stops the destroy."
  type        = bool
  default     = false
}
{% endif %}
