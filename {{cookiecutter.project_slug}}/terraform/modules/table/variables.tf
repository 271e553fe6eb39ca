variable "name" {
  description = "Name of the environment (<project>-<environment>), which the alarm's name starts with."
  type        = string
}

variable "table_name" {
  description = "Name of the items table."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "table_name must be 3 to 255 letters, digits, '_', '-' and '.'."
  }
}

variable "kms_key_arn" {
  description = "ARN of the environment's KMS key, which encrypts the table, its backups and its point-in-time recovery."
  type        = string
}

variable "deletion_protection" {
  description = "Whether DynamoDB refuses to delete the table (turn it off, apply, then destroy)."
  type        = bool
}

variable "alarm_topic_arn" {
  description = "ARN of the environment's alarm topic."
  type        = string
}

variable "throttle_threshold" {
  description = "Throttled reads and writes per minute above which the alarm goes off (3 minutes of 5)."
  type        = number

  validation {
    condition     = var.throttle_threshold >= 0
    error_message = "throttle_threshold must be 0 or more."
  }
}
