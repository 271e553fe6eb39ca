variable "name" {
  description = "Name of the web ACL and prefix of its metrics, e.g. orders-api-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]{1,128}$", var.name))
    error_message = "name must be 1 to 128 letters, digits and hyphens."
  }
}
{% if cookiecutter.cdn == 'no' %}

variable "load_balancer_arn" {
  description = "ARN of the Application Load Balancer the web ACL protects."
  type        = string
}
{% endif %}

variable "rate_limit" {
  description = "Requests one client address may send in any 5 minutes before the next are blocked."
  type        = number

  validation {
    condition     = var.rate_limit >= 10 && var.rate_limit <= 2000000000 && floor(var.rate_limit) == var.rate_limit
    error_message = "rate_limit must be a whole number of requests from 10 to 2,000,000,000 (WAF's bounds)."
  }
}

variable "max_body_bytes" {
  description = "Largest request body allowed, in bytes; larger ones are blocked."
  type        = number

  validation {
    condition     = var.max_body_bytes >= 1 && var.max_body_bytes <= 8192 && floor(var.max_body_bytes) == var.max_body_bytes
    error_message = "max_body_bytes must be a whole number from 1 to 8192: a load balancer shows WAF only the first 8 KB of a body."
  }
}

variable "log_group_name" {
  description = "Name of the log group of blocked and counted requests; WAF requires the prefix aws-waf-logs-."
  type        = string

  validation {
    condition     = startswith(var.log_group_name, "aws-waf-logs-")
    error_message = "log_group_name must start with aws-waf-logs-: WAF logs to no other group."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the firewall's logs."
  type        = number
}

variable "kms_key_arn" {
  description = "ARN of the environment's KMS key, which encrypts the log group{{ "; null when the key is in another region than the log group (CloudWatch Logs uses keys of its own region only): AWS's own key then encrypts it" if cookiecutter.cdn == 'yes' }}."
  type        = string
}
