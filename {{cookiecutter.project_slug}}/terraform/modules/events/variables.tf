variable "name" {
  description = "Name of the environment (<project>-<environment>): the prefix of its alarms and metric filter."
  type        = string
}

variable "bus_name" {
  description = "Name of the event bus."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,256}$", var.bus_name)) && var.bus_name != "default"
    error_message = "bus_name must be 1 to 256 letters, digits, dots, hyphens and underscores, and not \"default\"."
  }
}

variable "event_source" {
  description = "The source of the events the service publishes (its events.SOURCE): what the archive and the rule match."
  type        = string

  validation {
    condition     = length(var.event_source) > 0 && !startswith(var.event_source, "aws.")
    error_message = "event_source must not be empty nor start with \"aws.\", which AWS keeps for its own events."
  }
}

variable "archive_name" {
  description = "Name of the archive of the bus's events."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,48}$", var.archive_name))
    error_message = "archive_name must be 1 to 48 letters, digits, dots, hyphens and underscores."
  }
}

variable "archive_retention_days" {
  description = "Days the archive keeps each event (0 keeps them forever)."
  type        = number

  validation {
    condition     = var.archive_retention_days >= 0 && floor(var.archive_retention_days) == var.archive_retention_days
    error_message = "archive_retention_days must be a whole number of days, 0 for ever."
  }
}

variable "rule_name" {
  description = "Name of the rule that copies the events to the log group."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,64}$", var.rule_name))
    error_message = "rule_name must be 1 to 64 letters, digits, dots, hyphens and underscores."
  }
}

variable "log_group_name" {
  description = "Name of the log group the events are copied to; EventBridge's console lists only groups under /aws/events/."
  type        = string

  validation {
    condition     = startswith(var.log_group_name, "/aws/events/")
    error_message = "log_group_name must start with /aws/events/."
  }
}

variable "log_retention_days" {
  description = "Days the log group keeps the events."
  type        = number
}

variable "dead_letter_queue_name" {
  description = "Name of the SQS queue of what EventBridge could not deliver."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.dead_letter_queue_name))
    error_message = "dead_letter_queue_name must be 1 to 80 letters, digits, hyphens and underscores."
  }
}

variable "kms_key_arn" {
  description = "ARN of the environment's KMS key, which encrypts the bus's events, the log group and the dead-letter queue."
  type        = string
}

variable "service_log_group_name" {
  description = "Name of the service's log group, where it logs each event it gave up publishing."
  type        = string
}

variable "not_published_message" {
  description = "The message the service logs for each event it gave up publishing (its events.EVENT_NOT_PUBLISHED)."
  type        = string
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the count of events not published."
  type        = string
}

variable "alarm_topic_arn" {
  description = "ARN of the SNS topic the alarms notify."
  type        = string
}
