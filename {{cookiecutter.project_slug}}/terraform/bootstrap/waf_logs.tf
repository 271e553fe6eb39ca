# CloudWatch Logs' log delivery writes WAF's logs. This resource policy lets it write to the
# environments' firewall log groups and no others, for this account's web ACLs only. Made here,
# so that no deploy role needs logs:PutResourcePolicy, which could open any log group in the
# account to any service.

data "aws_iam_policy_document" "waf_logs" {
  statement {
    sid       = "LogDeliveryWritesTheFirewallLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for names in module.environment_names : "${names.waf.log_group_arn}:log-stream:*"]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [{{ '"arn:aws:logs:us-east-1:${local.account_id}:*"' if cookiecutter.cdn == 'yes' else '"${local.arn.logs}:*"' }}]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "waf_logs" {
{% if cookiecutter.cdn == 'yes' %}
  # Where CloudFront's web ACLs and their log groups are.
  provider = aws.us_east_1

{% endif %}
  policy_name     = "${var.project}-waf-logs"
  policy_document = data.aws_iam_policy_document.waf_logs.json
}
