# A web application firewall in front of the service. In order: a rate limit per client
# address, a limit on request body size, then AWS's managed rules for addresses with a bad
# reputation, known bad inputs (Log4Shell and the like) and common exploits (the OWASP top ten).
# Anything no rule blocks is allowed. Blocked and counted requests are logged; allowed ones are
# only counted in CloudWatch metrics, which keeps the log bill at the size of the attacks.

resource "aws_wafv2_web_acl" "this" {
  name        = var.name
  description = "Protects the {{ 'CloudFront distribution' if cookiecutter.cdn == 'yes' else 'load balancer' }} of ${var.name}"
  scope       = "{{ 'CLOUDFRONT' if cookiecutter.cdn == 'yes' else 'REGIONAL' }}"

  default_action {
    allow {}
  }

  # The limits answer as the app does past its own: JSON with a detail, and the status a client
  # can act on (429: slow down; 413: send less), not a bare 403.
  custom_response_body {
    key          = "too-many-requests"
    content_type = "APPLICATION_JSON"
    content      = jsonencode({ detail = "Too many requests from this address: retry in a few minutes" })
  }

  custom_response_body {
    key          = "body-too-large"
    content_type = "APPLICATION_JSON"
    content      = jsonencode({ detail = "The request body is larger than ${var.max_body_bytes} bytes" })
  }

  rule {
    name     = "rate-limit-per-client"
    priority = 0

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "too-many-requests"
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.rate_limit
        evaluation_window_sec = 300
        aggregate_key_type    = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit-per-client"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "body-size-limit"
    priority = 1

    action {
      block {
        custom_response {
          response_code            = 413
          custom_response_body_key = "body-too-large"
        }
      }
    }

    statement {
      size_constraint_statement {
        comparison_operator = "GT"
        size                = var.max_body_bytes

        field_to_match {
          body {
            # WAF sees at least the first 8 KB of a body, and max_body_bytes is at most
            # 8192: a body longer than what WAF sees is over the limit.
            oversize_handling = "MATCH"
          }
        }

        text_transformation {
          priority = 0
          type     = "NONE"
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-body-size-limit"
      sampled_requests_enabled   = true
    }
  }

  # Addresses Amazon's threat intelligence lists: bots, scanners, DDoS sources.
  rule {
    name     = "AWSManagedRulesAmazonIpReputationList"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesAmazonIpReputationList"
        vendor_name = "AWS"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-AWSManagedRulesAmazonIpReputationList"
      sampled_requests_enabled   = true
    }
  }

  # Known exploit patterns: Log4Shell, Java deserialization, host header tricks.
  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-AWSManagedRulesKnownBadInputsRuleSet"
      sampled_requests_enabled   = true
    }
  }

  # The common exploits (the OWASP top ten).
  rule {
    name     = "AWSManagedRulesCommonRuleSet"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"

        # Counted only: body-size-limit above enforces max_body_bytes instead.
        rule_action_override {
          name = "SizeRestrictions_BODY"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-AWSManagedRulesCommonRuleSet"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
}

{% if cookiecutter.cdn == 'no' %}
resource "aws_wafv2_web_acl_association" "load_balancer" {
  resource_arn = var.load_balancer_arn
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}
{% endif %}
{% if cookiecutter.cdn == 'yes' %}
# The distribution names this web ACL itself (modules/cdn): CloudFront has no association.
{% endif %}

# WAF logs only to groups named aws-waf-logs-*. The account's log delivery writes to it under
# the resource policy terraform/bootstrap made (waf_logs.tf).
resource "aws_cloudwatch_log_group" "this" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.this.arn]

  # Credentials never reach the logs.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  redacted_fields {
    single_header {
      name = "cookie"
    }
  }

  logging_filter {
    default_behavior = "DROP"

    filter {
      behavior    = "KEEP"
      requirement = "MEETS_ANY"

      condition {
        action_condition {
          action = "BLOCK"
        }
      }

      condition {
        action_condition {
          action = "COUNT"
        }
      }
    }
  }
}
