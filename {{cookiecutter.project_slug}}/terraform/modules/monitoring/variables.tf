variable "name" {
  description = "Name of the environment's resources, e.g. orders-api-staging: the alarms are named <name>-<signal>."
  type        = string
}

variable "environment" {
  description = "Deployment environment: the budget counts the costs tagged with it."
  type        = string
}

variable "aws_region" {
  description = "Region of the environment, for the dashboard's metrics."
  type        = string
}

variable "account_id" {
  description = "ID of the AWS account, which alone may publish its budget to the topic."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the environment's KMS key, which encrypts the alarm topic."
  type        = string
}

variable "alarm_topic" {
  description = "Name of the SNS topic the alarms notify."
  type        = string
}

variable "alarm_topic_arn" {
  description = "ARN of that topic (built from its name), which its policy names."
  type        = string
}

variable "alarm_arns" {
  description = "ARN pattern of the environment's alarms (arn:aws:cloudwatch:...:alarm:<name>-*): only they may publish to the topic."
  type        = string
}

variable "dashboard" {
  description = "Name of the CloudWatch dashboard."
  type        = string
}

variable "budget" {
  description = "Name of the monthly budget."
  type        = string
}

variable "budget_arn" {
  description = "ARN of that budget: only it may publish to the topic."
  type        = string
}

variable "alarm_email_addresses" {
  description = "E-mail addresses the alarms go to; each confirms its subscription from the first e-mail AWS sends."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "alarm_email_addresses must be e-mail addresses, e.g. [\"oncall@example.com\"]."
  }
}

variable "thresholds" {
  description = "When the service's alarms go off: percentages of 5xx answers, the p99 response time in seconds, the tasks' average CPU and memory in percent."
  type = object({
    load_balancer_5xx_percent = number
    target_5xx_percent        = number
    p99_response_time_seconds = number
    cpu_percent               = number
    memory_percent            = number
  })

  validation {
    condition = alltrue([
      for name in ["load_balancer_5xx_percent", "target_5xx_percent", "cpu_percent", "memory_percent"] :
      var.thresholds[name] > 0 && var.thresholds[name] <= 100
    ])
    error_message = "The percentage thresholds (load_balancer_5xx_percent, target_5xx_percent, cpu_percent, memory_percent) must be above 0 and at most 100."
  }

  validation {
    condition     = var.thresholds.p99_response_time_seconds > 0
    error_message = "p99_response_time_seconds must be positive."
  }
}

variable "load_balancer_arn_suffix" {
  description = "ARN suffix of the load balancer (the LoadBalancer dimension of its metrics)."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the service's target group (the TargetGroup dimension)."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster (the ClusterName dimension)."
  type        = string
}

variable "service_name" {
  description = "Name of the ECS service (the ServiceName dimension)."
  type        = string
}

{% if cookiecutter.database != 'none' %}
variable "database_alarm_arns" {
  description = "ARNs of the database's alarms, shown with the others on the dashboard."
  type        = list(string)
  default     = []
}

variable "database_dashboard_widgets" {
  description = "The database's graphs on the dashboard: objects with title, stat and metrics (CloudWatch's metric arrays)."
  type        = any
  default     = []
}

{% endif %}
variable "monthly_budget_usd" {
  description = "Monthly cost budget of the environment in US dollars; null creates none."
  type        = number
  default     = null

  validation {
    condition     = var.monthly_budget_usd == null || try(var.monthly_budget_usd > 0, false)
    error_message = "monthly_budget_usd must be a positive amount of US dollars, or null for no budget."
  }
}
