variable "name" {
  description = "Name of the environment's resources, the distribution's comment, e.g. orders-api-staging."
  type        = string
}

variable "load_balancer_dns_name" {
  description = "DNS name of the load balancer CloudFront sends requests to."
  type        = string
}

variable "price_class" {
  description = "Edge locations that serve the distribution: PriceClass_100 (North America, Europe, Israel: the cheapest), PriceClass_200 (and most of Asia, the Middle East, Africa) or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "origin_read_timeout" {
  description = "Seconds CloudFront waits for the load balancer's answer before it gives up with a 504 (CloudFront allows 60 unless a quota increase raises it)."
  type        = number
  default     = 60

  validation {
    condition     = var.origin_read_timeout >= 1 && var.origin_read_timeout <= 60 && floor(var.origin_read_timeout) == var.origin_read_timeout
    error_message = "origin_read_timeout must be a whole number of seconds from 1 to 60."
  }
}
{% if cookiecutter.https != 'off' %}

variable "domain_name" {
  description = "Domain name clients use to reach the service, e.g. api.acme.com: the distribution's alternate name."
  type        = string
}
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}

variable "route53_zone" {
  description = "Public Route 53 hosted zone that holds domain_name, e.g. acme.com."
  type        = string
}
{% endif %}
{% if cookiecutter.https == 'acm-existing' %}

variable "certificate_arn" {
  description = "ARN of an issued ACM certificate covering domain_name, in us-east-1: the only region CloudFront takes certificates from."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN in us-east-1: arn:aws:acm:us-east-1:<account>:certificate/<id>."
  }
}
{% endif %}
{% if cookiecutter.waf == 'yes' %}

variable "web_acl_arn" {
  description = "ARN of the web ACL (scope CLOUDFRONT) that filters the distribution's requests; null for none."
  type        = string
  default     = null
}
{% endif %}
