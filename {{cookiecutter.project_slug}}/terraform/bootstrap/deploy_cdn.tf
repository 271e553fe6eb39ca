# What the deploy roles need for CloudFront in front of the load balancer (modules/cdn): the
# environment's distribution, held to it by its Environment tag (CloudFront picks a
# distribution's ID, so no name can hold it), and the listener rule that admits CloudFront.

data "aws_iam_policy_document" "deploy_cdn" {
  for_each = module.environment_names

  # CreateDistribution has no resource to scope: the tag it must carry holds it.
  statement {
    sid       = "CreateTheDistributionTaggedForThisEnvironment"
    actions   = ["cloudfront:CreateDistribution", "cloudfront:TagResource"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "ChangeThisEnvironmentsDistribution"
    actions = [
      "cloudfront:DeleteDistribution",
      "cloudfront:GetDistribution",
      "cloudfront:GetDistributionConfig",
      "cloudfront:ListTagsForResource",
      "cloudfront:TagResource",
      "cloudfront:UntagResource",
      "cloudfront:UpdateDistribution",
    ]
    resources = ["arn:aws:cloudfront::${local.account_id}:distribution/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }

  # The rule on the environment's own listener that forwards requests with the origin secret.
  statement {
    sid = "ChangeTheRuleThatAdmitsCloudFront"
    actions = [
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:ModifyRule",
    ]
    # Its load balancer's by name (an application load balancer's: "app"; "*" names no other).
    resources = [
      "${local.arn.elb}:listener/*/${each.value.name}/*",
      "${local.arn.elb}:listener-rule/*/${each.value.name}/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }

  # CloudFront's origin-facing addresses, a prefix list AWS owns, and the listeners' rules:
  # reading them cannot be scoped, and reads no data of the account.
  statement {
    sid = "ReadCloudFrontsAddressesAndTheListenerRules"
    actions = [
      "ec2:DescribeManagedPrefixLists",
      "ec2:GetManagedPrefixListEntries",
      "elasticloadbalancing:DescribeRules",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.aws_region]
    }
  }
}
