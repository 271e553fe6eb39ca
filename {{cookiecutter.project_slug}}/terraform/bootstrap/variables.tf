variable "project" {
  description = "Name of the service: names the state bucket, the ECR repository and the deploy roles."
  type        = string
  default     = "{{ cookiecutter.project_slug }}"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.project))
    error_message = "project must be kebab-case, at most 20 characters."
  }
}

variable "aws_region" {
  description = "AWS region of the state bucket and the ECR repository."
  type        = string
  default     = "{{ cookiecutter.aws_region }}"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as us-east-1."
  }
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose Actions may deploy; nothing else can assume the deploy roles."
  type        = string
  default     = "{{ cookiecutter.github_repository }}"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, e.g. acme/orders-api."
  }
}

variable "github_repository_id" {
  description = "Immutable ID of the GitHub repository, recorded by `make github` in github.auto.tfvars; null trusts the repository by name only."
  type        = number
  default     = null

  validation {
    condition     = var.github_repository_id == null || try(var.github_repository_id > 0 && floor(var.github_repository_id) == var.github_repository_id, false)
    error_message = "github_repository_id must be the repository's numeric ID (gh api repos/<owner>/<name> --jq .id)."
  }
}

variable "environments" {
  description = "Environments deployed into this account; each gets a deploy role trusted only by its GitHub environment."
  type        = set(string)
  default     = ["staging", "production"]

  validation {
    condition     = length(var.environments) > 0 && alltrue([for environment in var.environments : contains(["staging", "production"], environment)])
    error_message = "environments must hold staging, production or both."
  }
}

variable "github_oidc_provider_arn" {
  description = "ARN of the account's existing GitHub Actions OIDC provider (an account has at most one); null creates it."
  type        = string
  default     = null
}

variable "ecr_images_to_keep" {
  description = "How many of the most recent images no environment has run the ECR repository keeps; the images environments ran are kept apart (deployed_image_retention_days)."
  type        = number
  default     = 30

  validation {
    condition     = var.ecr_images_to_keep >= 5
    error_message = "ecr_images_to_keep must be at least 5, or rollbacks run out of images."
  }
}

variable "state_noncurrent_version_days" {
  description = "Days the state bucket keeps superseded versions of a state file."
  type        = number
  default     = 90

  validation {
    condition     = var.state_noncurrent_version_days >= 1
    error_message = "state_noncurrent_version_days must be at least 1."
  }
}

variable "deployed_image_retention_days" {
  description = "Days after its push that an image an environment has run (a deployed-<env>-<time> tag) is kept: long enough that no running or rollback image ever expires."
  type        = number
  default     = 3650

  validation {
    condition     = var.deployed_image_retention_days >= 365
    error_message = "deployed_image_retention_days must be at least 365: an environment may run one image for months."
  }
}
{% if cookiecutter.https == 'acm-route53' %}

variable "domain_name" {
  description = "Host name production is served at; staging is served at staging.<domain_name>. Each environment's deploy role may change only its own records."
  type        = string
  default     = "{{ cookiecutter.domain_name }}"
}

variable "route53_zone" {
  description = "Public Route 53 hosted zone holding domain_name: it must exist before bootstrap."
  type        = string
  default     = "{{ cookiecutter.route53_zone }}"
}
{% endif %}
