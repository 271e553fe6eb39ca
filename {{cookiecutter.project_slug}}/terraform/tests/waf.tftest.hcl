# Plan-only tests of modules/waf against a mocked AWS provider.

mock_provider "aws" {
  override_during = plan
}

variables {
  name               = "{{ cookiecutter.project_slug }}-test"
{% if cookiecutter.cdn == 'no' %}
  load_balancer_arn  = "arn:aws:elasticloadbalancing:{{ cookiecutter.aws_region }}:123456789012:loadbalancer/app/{{ cookiecutter.project_slug }}-test/0123456789abcdef"
{% endif %}
  rate_limit         = 2000
  max_body_bytes     = 8192
  log_group_name     = "aws-waf-logs-{{ cookiecutter.project_slug }}-test"
  log_retention_days = 30
  kms_key_arn        = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
}

run "rules_limits_then_managed_groups" {
  command = plan

  module {
    source = "./modules/waf"
  }

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "{{ 'CLOUDFRONT' if cookiecutter.cdn == 'yes' else 'REGIONAL' }}" && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "{{ "A CloudFront-scope web ACL (the distribution's)" if cookiecutter.cdn == 'yes' else "A regional web ACL (a load balancer's)" }} that allows what no rule blocks."
  }

  assert {
    condition = jsonencode({ for rule in aws_wafv2_web_acl.this.rule : rule.name => rule.priority }) == jsonencode({
      "rate-limit-per-client"               = 0
      "body-size-limit"                     = 1
      AWSManagedRulesAmazonIpReputationList = 10
      AWSManagedRulesKnownBadInputsRuleSet  = 20
      AWSManagedRulesCommonRuleSet          = 30
    })
    error_message = "The limits run first, then the IP reputation, known bad inputs and common rule groups."
  }

  assert {
    condition = toset([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].managed_rule_group_statement[0].name
      if length(rule.statement[0].managed_rule_group_statement) > 0
      ]) == toset([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
    ])
    error_message = "The web ACL must use AWS's common, known bad inputs and IP reputation rule groups."
  }

  assert {
    condition = alltrue([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].managed_rule_group_statement[0].vendor_name == "AWS" && length(rule.override_action[0].none) == 1
      if length(rule.statement[0].managed_rule_group_statement) > 0
    ])
    error_message = "Managed rule groups must keep their own actions (override none)."
  }

  assert {
    condition = [
      for rule in aws_wafv2_web_acl.this.rule : [for override in rule.statement[0].managed_rule_group_statement[0].rule_action_override : override.name]
      if length(rule.statement[0].managed_rule_group_statement) > 0 && rule.name == "AWSManagedRulesCommonRuleSet"
    ] == [["SizeRestrictions_BODY"]]
    error_message = "Only the common rule set's own body-size rule is turned to count (body-size-limit decides)."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].rate_based_statement[0]
      if rule.name == "rate-limit-per-client"
    ]).limit == 2000
    error_message = "The rate limit must be rate_limit requests per client address in 5 minutes."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].size_constraint_statement[0]
      if rule.name == "body-size-limit"
      ]).size == 8192 && one([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].size_constraint_statement[0].field_to_match[0].body[0].oversize_handling
      if rule.name == "body-size-limit"
    ]) == "MATCH"
    error_message = "Bodies over max_body_bytes, and those too long for WAF to see whole, must be blocked."
  }

  assert {
    condition = jsonencode({
      for rule in aws_wafv2_web_acl.this.rule : rule.name => rule.action[0].block[0].custom_response[0].response_code
      if length(rule.action) > 0
    }) == jsonencode({ "body-size-limit" = 413, "rate-limit-per-client" = 429 })
    error_message = "The limits answer 413 (send less) and 429 (slow down), as the app does past its own, not a bare 403."
  }

  assert {
    condition     = jsondecode(one([for body in aws_wafv2_web_acl.this.custom_response_body : body.content if body.key == "body-too-large"])).detail == "The request body is larger than 8192 bytes"
    error_message = "The body-size answer names the limit, in the app's JSON shape."
  }

  assert {
    condition     = alltrue([for rule in aws_wafv2_web_acl.this.rule : rule.visibility_config[0].cloudwatch_metrics_enabled && rule.visibility_config[0].sampled_requests_enabled])
    error_message = "Every rule must have its metric and sampled requests."
  }

{% if cookiecutter.cdn == 'no' %}
  assert {
    condition     = aws_wafv2_web_acl_association.load_balancer.resource_arn == var.load_balancer_arn
    error_message = "The web ACL must protect the load balancer it is given."
  }

{% endif %}
  assert {
    condition     = aws_cloudwatch_log_group.this.name == var.log_group_name && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The firewall's log group must be encrypted with the environment's key and keep its logs log_retention_days."
  }

  assert {
    condition     = toset([for field in aws_wafv2_web_acl_logging_configuration.this.redacted_fields : field.single_header[0].name]) == toset(["authorization", "cookie"])
    error_message = "Credentials (the authorization and cookie headers) must never reach the logs."
  }

  assert {
    condition = aws_wafv2_web_acl_logging_configuration.this.logging_filter[0].default_behavior == "DROP" && toset(flatten([
      for filter in aws_wafv2_web_acl_logging_configuration.this.logging_filter[0].filter : [
        for condition in filter.condition : "${filter.behavior} ${condition.action_condition[0].action}"
      ]
    ])) == toset(["KEEP BLOCK", "KEEP COUNT"])
    error_message = "Only blocked and counted requests are logged."
  }
}

run "a_body_limit_past_what_the_load_balancer_shows_waf_is_refused" {
  command = plan

  module {
    source = "./modules/waf"
  }

  variables {
    max_body_bytes = 8193
  }

  expect_failures = [var.max_body_bytes]
}

run "a_rate_limit_below_wafs_floor_is_refused" {
  command = plan

  module {
    source = "./modules/waf"
  }

  variables {
    rate_limit = 9
  }

  expect_failures = [var.rate_limit]
}

run "a_log_group_waf_cannot_log_to_is_refused" {
  command = plan

  module {
    source = "./modules/waf"
  }

  variables {
    log_group_name = "/ecs/{{ cookiecutter.project_slug }}-test/waf"
  }

  expect_failures = [var.log_group_name]
}
