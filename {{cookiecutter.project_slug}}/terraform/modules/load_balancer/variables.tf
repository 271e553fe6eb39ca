variable "name" {
  description = "Name of the load balancer and its target group (at most 32 characters), e.g. orders-api-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be at most 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the load balancer and its targets are in."
  type        = string
}

variable "vpc_cidr_block" {
  description = "IPv4 range of the VPC: the only destination the load balancer may send to."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the load balancer, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An Application Load Balancer needs subnets in at least two availability zones."
  }
}

variable "target_port" {
  description = "Port the application container listens on."
  type        = number
  default     = 8000

  validation {
    condition     = var.target_port >= 1024 && var.target_port <= 65535 && floor(var.target_port) == var.target_port
    error_message = "target_port must be an unprivileged port (1024-65535): the container runs as a non-root user."
  }
}

variable "health_check_path" {
  description = "Path the load balancer polls on every task; a 200 means the process is alive."
  type        = string
  default     = "/health"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with a slash."
  }
}

variable "health_check_interval" {
  description = "Seconds between two health checks of a task."
  type        = number
  default     = 15

  validation {
    condition     = var.health_check_interval >= 5 && var.health_check_interval <= 300
    error_message = "health_check_interval must be between 5 and 300 seconds."
  }
}

variable "health_check_timeout" {
  description = "Seconds a health check waits for the answer; shorter than health_check_interval."
  type        = number
  default     = 5

  validation {
    condition     = var.health_check_timeout >= 2 && var.health_check_timeout <= 120 && var.health_check_timeout < var.health_check_interval
    error_message = "health_check_timeout must be between 2 and 120 seconds and shorter than health_check_interval."
  }
}

variable "health_check_healthy_threshold" {
  description = "Consecutive passed health checks that make a task healthy."
  type        = number
  default     = 2

  validation {
    condition     = var.health_check_healthy_threshold >= 2 && var.health_check_healthy_threshold <= 10
    error_message = "health_check_healthy_threshold must be between 2 and 10."
  }
}

variable "health_check_unhealthy_threshold" {
  description = "Consecutive failed health checks that make a task unhealthy (ECS then replaces it)."
  type        = number
  default     = 3

  validation {
    condition     = var.health_check_unhealthy_threshold >= 2 && var.health_check_unhealthy_threshold <= 10
    error_message = "health_check_unhealthy_threshold must be between 2 and 10."
  }
}

variable "deregistration_delay" {
  description = "Seconds a stopping task keeps serving its in-flight requests before it is removed."
  type        = number
  default     = 30

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "deregistration_delay must be between 0 and 3600 seconds."
  }
}

variable "idle_timeout" {
  description = "Seconds a client connection may stay idle; keep it above the application's own request timeout."
  type        = number
  default     = 60

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout <= 4000
    error_message = "idle_timeout must be between 1 and 4000 seconds."
  }
}

variable "deletion_protection" {
  description = "Whether AWS refuses to delete the load balancer until this is turned off."
  type        = bool
  default     = true
}

variable "access_logs_bucket" {
  description = "S3 bucket for the load balancer's access logs (its policy must let the regional ELB account write); null turns access logs off."
  type        = string
  default     = null
}
{% if cookiecutter.https != 'off' %}

variable "domain_name" {
  description = "Domain name clients use to reach the service, e.g. api.acme.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lowercase fully qualified domain name such as api.acme.com."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener; the default negotiates TLS 1.3 and falls back to TLS 1.2 with forward secrecy only."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "ssl_policy must be one of the TLS 1.3 policies (ELBSecurityPolicy-TLS13-*)."
  }
}
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}

variable "route53_zone" {
  description = "Public Route 53 hosted zone that holds domain_name, e.g. acme.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.route53_zone))
    error_message = "route53_zone must be a lowercase domain name such as acme.com, without a trailing dot."
  }
}
{% elif cookiecutter.https == 'acm-existing' %}

variable "certificate_arn" {
  description = "ARN of an issued ACM certificate covering domain_name, in the load balancer's region."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<id>."
  }
}
{% endif %}
{% if cookiecutter.cdn == 'yes' %}

variable "origin_secret_header" {
  description = "Name of the header CloudFront adds to every request it forwards (modules/cdn)."
  type        = string
}

variable "origin_secrets" {
  description = "Values of that header the listener forwards; any other request gets a 403."
  type        = list(string)
  sensitive   = true

  validation {
    condition     = length(var.origin_secrets) >= 1 && length(var.origin_secrets) <= 3 && alltrue([for secret in var.origin_secrets : length(secret) >= 32])
    error_message = "origin_secrets must be 1 to 3 values of at least 32 characters (a listener rule matches at most 5 values in all)."
  }
}
{% endif %}
