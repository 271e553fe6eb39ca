# What the deploy roles need for an environment's web application firewall (modules/waf): its
# web ACL, held to the environment by name, in front of the environment's own service only,
# and the log group of what it blocks. AWS's managed rule groups are read by the web ACL that uses them.

data "aws_iam_policy_document" "deploy_waf" {
  for_each = module.environment_names

  statement {
    sid       = "CreateTheWebAclTaggedForThisEnvironment"
    actions   = ["wafv2:CreateWebACL", "wafv2:TagResource"]
    resources = [each.value.waf.web_acl_arns]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "ChangeTheWebAcl"
    actions = [
      "wafv2:DeleteLoggingConfiguration",
      "wafv2:DeleteWebACL",
      "wafv2:GetLoggingConfiguration",
      "wafv2:GetWebACL",
      "wafv2:ListTagsForResource",
      "wafv2:PutLoggingConfiguration",
      "wafv2:TagResource",
      "wafv2:UntagResource",
      "wafv2:UpdateWebACL",
    ]
    resources = [each.value.waf.web_acl_arns]
  }

{% if cookiecutter.cdn == 'no' %}
  # Its own web ACL on its own load balancer, both by name.
  statement {
    sid = "PutTheWebAclOnTheLoadBalancer"
    actions = [
      "elasticloadbalancing:CreateWebACLAssociation",
      "elasticloadbalancing:DeleteWebACLAssociation",
      "wafv2:AssociateWebACL",
      "wafv2:DisassociateWebACL",
      "wafv2:GetWebACLForResource",
    ]
    resources = [each.value.waf.web_acl_arns, "${local.arn.elb}:loadbalancer/app/${each.value.name}/*"]
  }

  # A permission WAF checks inside AssociateWebACL (no API of its own), which has no resource
  # to scope: the call it belongs to is held to this environment's web ACL and load balancer.
  # Reading which web ACL a load balancer has cannot be scoped either.
  statement {
    sid       = "LetWafSetTheWebAclOfTheLoadBalancer"
    actions   = ["elasticloadbalancing:DescribeWebACLAssociation", "elasticloadbalancing:SetWebAcl"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.aws_region]
    }
  }

{% endif %}
{% if cookiecutter.cdn == 'yes' %}
  # The distribution names its web ACL (deploy_cdn.tf's UpdateDistribution); CloudFront checks
  # that the caller may associate that one: its own environment's only.
  statement {
    sid       = "PutTheWebAclOnTheDistribution"
    actions   = ["wafv2:AssociateWebACL"]
    resources = [each.value.waf.web_acl_arns]
  }

{% endif %}  statement {
    sid       = "CreateTheFirewallLogGroupTaggedForThisEnvironment"
    actions   = ["logs:CreateLogGroup", "logs:TagResource"]
    resources = [each.value.waf.log_group_arn, "${each.value.waf.log_group_arn}:*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  # WAF hands its logs to CloudWatch Logs' log delivery, which has no resource-level
  # permission. It writes only where a log group's resource policy lets it: the firewall log
  # groups of this project (waf_logs.tf, which no deploy role may change).
  statement {
    sid = "HandTheFirewallLogsToLogDelivery"
    actions = [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:UpdateLogDelivery",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [{{ '"us-east-1"' if cookiecutter.cdn == 'yes' else 'var.aws_region' }}]
    }
  }
}
