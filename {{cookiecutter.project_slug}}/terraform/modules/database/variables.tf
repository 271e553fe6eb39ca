variable "name" {
  description = "Identifier of the database and name prefix of its resources, e.g. orders-api-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,50}[a-z0-9]$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "vpc_id" {
  description = "ID of the VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the database, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "A DB subnet group needs subnets in at least two availability zones."
  }
}

variable "client_security_group_id" {
  description = "Security group of the service's tasks: the only source the database accepts."
  type        = string
}

variable "log_group_prefix" {
  description = "Prefix of the log groups RDS exports the database's logs to: RDS names them <prefix>/<log> itself, so this module creates them under that name."
  type        = string

  validation {
    condition     = startswith(var.log_group_prefix, "/aws/rds/")
    error_message = "log_group_prefix must be the prefix RDS exports to, /aws/rds/<instance or cluster>/<identifier>."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch Logs keeps the logs the database exports."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs offers, e.g. 14, 30 or 365."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the storage, snapshots, Performance Insights data and the master password's secret."
  type        = string
}

{% if cookiecutter.database == 'aurora-postgresql' %}
variable "engine_version" {
  description = "PostgreSQL version (Aurora, major.minor, e.g. 16.6)."
  type        = string
  default     = "16.6"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be an Aurora PostgreSQL major.minor version such as 16.6."
  }
}
{% else %}
variable "engine_version" {
  description = "PostgreSQL version (a major version such as 17 follows minor upgrades)."
  type        = string
  default     = "17"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL version such as 17 or 17.4."
  }
}
{% endif %}

variable "database_name" {
  description = "Name of the database the application uses."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a letter and hold only lowercase letters, digits and underscores (at most 63)."
  }
}

variable "master_username" {
  description = "Master user name; RDS generates its password and stores both in Secrets Manager."
  type        = string
  default     = "app"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.master_username)) && !contains(["postgres", "rdsadmin", "admin"], var.master_username)
    error_message = "master_username must be at most 16 lowercase letters, digits or underscores, start with a letter, and not be a reserved name."
  }
}
{% if cookiecutter.database == 'aurora-postgresql' %}

variable "availability_zones" {
  description = "Availability zones of the private subnets; the cluster's instances take them in turn."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "availability_zones must name at least two zones."
  }
}

variable "min_capacity" {
  description = "Fewest Aurora capacity units (ACUs, about 2 GiB of memory each) the cluster scales down to."
  type        = number
  default     = 0.5

  validation {
    condition     = var.min_capacity >= 0 && var.min_capacity <= 256
    error_message = "min_capacity must be between 0 and 256 ACUs."
  }
}

variable "max_capacity" {
  description = "Most Aurora capacity units the cluster scales up to."
  type        = number
  default     = 8

  validation {
    condition     = var.max_capacity >= 1 && var.max_capacity <= 256 && var.max_capacity >= var.min_capacity
    error_message = "max_capacity must be between 1 and 256 ACUs and at least min_capacity."
  }
}

variable "instance_count" {
  description = "Instances in the cluster: one writer, and readers that can take over in another zone (2 or more for high availability)."
  type        = number
  default     = 2

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 16
    error_message = "instance_count must be between 1 and 16."
  }
}
{% else %}

variable "instance_class" {
  description = "Instance class of the database, e.g. db.t4g.micro."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS instance class such as db.t4g.micro."
  }
}

variable "allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20
    error_message = "allocated_storage must be at least 20 GiB for gp3."
  }
}

variable "max_allocated_storage" {
  description = "GiB storage autoscaling may grow to."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage >= var.allocated_storage
    error_message = "max_allocated_storage must be at least allocated_storage."
  }
}

variable "multi_az" {
  description = "Whether to keep a synchronous standby in a second availability zone."
  type        = bool
  default     = true
}
{% endif %}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35."
  }
}

variable "deletion_protection" {
  description = "Whether AWS refuses to delete the database until this is turned off."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Whether deleting the database skips the final snapshot (only sensible for disposable environments)."
  type        = bool
  default     = false
}

variable "monitoring_role_arn" {
  description = "ARN of the role RDS Enhanced Monitoring publishes with (created by terraform/bootstrap)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.monitoring_role_arn))
    error_message = "monitoring_role_arn must be an IAM role ARN."
  }
}

variable "alarm_topic_arn" {
  description = "ARN of the environment's alarm topic: the database's alarms notify it."
  type        = string
}

{% if cookiecutter.database == 'aurora-postgresql' %}
variable "alarm_thresholds" {
  description = "When the database's alarms go off: average CPU and ACU use in percent, connections, freeable memory in MiB."
  type = object({
    cpu_percent         = number
    acu_percent         = number
    connections         = number
    freeable_memory_mib = number
  })

  validation {
    condition     = alltrue([for name, value in var.alarm_thresholds : value > 0]) && var.alarm_thresholds.cpu_percent <= 100 && var.alarm_thresholds.acu_percent <= 100
    error_message = "The database's alarm thresholds must be positive, and cpu_percent and acu_percent at most 100."
  }
}
{% else %}
variable "alarm_thresholds" {
  description = "When the database's alarms go off: average CPU in percent, free storage in GiB, connections, freeable memory in MiB."
  type = object({
    cpu_percent         = number
    free_storage_gib    = number
    connections         = number
    freeable_memory_mib = number
  })

  validation {
    condition     = alltrue([for name, value in var.alarm_thresholds : value > 0]) && var.alarm_thresholds.cpu_percent <= 100
    error_message = "The database's alarm thresholds must be positive, and cpu_percent at most 100."
  }
}
{% endif %}
