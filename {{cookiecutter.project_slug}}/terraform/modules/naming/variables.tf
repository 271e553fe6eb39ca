variable "project" {
  description = "Name of the service, e.g. orders-api: the prefix of every name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.project))
    error_message = "project must be kebab-case, at most 20 characters."
  }
}

variable "environment" {
  description = "Environment the names are for (staging or production); null for the names every environment shares."
  type        = string
  default     = null

  validation {
    condition     = var.environment == null || contains(["staging", "production"], coalesce(var.environment, "staging"))
    error_message = "environment must be staging, production or null."
  }
}

variable "account_id" {
  description = "ID of the AWS account the names live in."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "aws_region" {
  description = "Region of the regional resources the ARNs name."
  type        = string
}
{% if cookiecutter.https != 'off' %}

variable "domain_name" {
  description = "Host name production is served at, e.g. api.acme.com; staging is served at staging.<domain_name>."
  type        = string
  default     = null
}
{% endif %}
