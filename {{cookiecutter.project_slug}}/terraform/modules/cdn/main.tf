# CloudFront in front of the load balancer. Every request goes to the origin with the secret
# header (origin_secret.tf) that the load balancer's listener requires. A response is cached only
# when it says so in Cache-Control: the managed policy's default and minimum TTL are 0.

locals {
  origin_id = "load-balancer"

  # AWS's managed policies, the same ID in every account.
  managed_policy_ids = {
    # Cache-Control decides; the cache key is the host, the query string and the cookies.
    cache_use_origin_cache_control_headers_query_strings = "4cc15a8a-d715-48a4-82b8-cc0b614638fe"
    # Every header, cookie and query string of the viewer reaches the origin: the Host header
    # too, which is the name the load balancer's certificate is checked against.
    origin_request_all_viewer = "216adef6-5c7f-47e4-b989-5492eafa07d3"
    # HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy, X-XSS-Protection.
    response_headers_security_headers = "67f7725c-6f97-4210-82d7-5512b31e9d03"
  }
}

resource "aws_cloudfront_distribution" "this" {
  # checkov:skip=CKV_AWS_86: standard logs need an S3 bucket with ACLs enabled; the load balancer's access logs (load_balancer_access_logs_bucket) record every request that reaches the origin
  # checkov:skip=CKV_AWS_305: an API has no default root object to serve
  # checkov:skip=CKV_AWS_310: one origin: the load balancer spreads requests over the tasks and zones behind it
  # checkov:skip=CKV_AWS_374: an API for the world; restrict countries in restrictions.geo_restriction where the business must
  # checkov:skip=CKV2_AWS_32: the managed SecurityHeadersPolicy is attached by its ID (response_headers_policy_id); checkov looks for a policy resource of this configuration
{% if cookiecutter.waf == 'yes' %}
  # checkov:skip=CKV_AWS_68: the web ACL is modules/waf's, attached where waf_enabled is true (production's example): a scan of this module cannot see it
  # checkov:skip=CKV2_AWS_47: modules/waf's web ACL has AWSManagedRulesKnownBadInputsRuleSet (Log4j); a scan of this module cannot see it
{% endif %}
{% if cookiecutter.waf == 'no' %}
  # checkov:skip=CKV_AWS_68: WAF is a per-service cost and rule-set decision; generate with waf=yes to put a web ACL on the distribution
  # checkov:skip=CKV2_AWS_47: no web ACL without waf=yes
{% endif %}
{% if cookiecutter.https == 'off' %}
  # checkov:skip=CKV_AWS_174: HTTPS was off when this service was generated: CloudFront's default certificate (*.cloudfront.net) allows TLS 1 to old clients
  # checkov:skip=CKV2_AWS_42: HTTPS was off when this service was generated: the distribution serves on its cloudfront.net name
{% endif %}
  enabled         = true
  comment         = var.name
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = var.price_class
{% if cookiecutter.https != 'off' %}
  aliases         = [var.domain_name]
{% endif %}
{% if cookiecutter.waf == 'yes' %}
  web_acl_id      = var.web_acl_arn
{% endif %}

  origin {
    origin_id   = local.origin_id
    domain_name = var.load_balancer_dns_name

    custom_origin_config {
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = "{{ 'http-only' if cookiecutter.https == 'off' else 'https-only' }}"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_read_timeout      = var.origin_read_timeout
      origin_keepalive_timeout = 5
    }

    custom_header {
      name  = local.origin_secret_header
      value = local.origin_secrets.current
    }
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.managed_policy_ids.cache_use_origin_cache_control_headers_query_strings
    origin_request_policy_id   = local.managed_policy_ids.origin_request_all_viewer
    response_headers_policy_id = local.managed_policy_ids.response_headers_security_headers
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
{% if cookiecutter.https == 'off' %}
    cloudfront_default_certificate = true
{% endif %}
{% if cookiecutter.https != 'off' %}
    acm_certificate_arn      = {{ 'aws_acm_certificate_validation.this.certificate_arn' if cookiecutter.https == 'acm-route53' else 'var.certificate_arn' }}
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
{% endif %}
  }
}
