# What the deploy roles need for HTTPS with a certificate validated in Route 53: the
# certificate, and in the hosted zone the environment's own records only. The zone holds more
# than this service (the apex, mail, other services): each environment may write its host name
# (alias records) and its certificates' validation record (a CNAME named _<32 characters>.
# <host name>), nothing else.

data "aws_route53_zone" "service" {
  name         = var.route53_zone
  private_zone = false
}

locals {
  service_domain_names = { for environment, names in module.environment_names : environment => names.service_domain_name }
}

data "aws_iam_policy_document" "deploy_dns" {
  for_each = module.environment_names

  statement {
    sid       = "RequestCertificatesTaggedForThisEnvironment"
    actions   = ["acm:AddTagsToCertificate", "acm:RequestCertificate"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = {{ 'distinct([var.aws_region, "us-east-1"])' if cookiecutter.cdn == 'yes' else '[var.aws_region]' }}
    }
  }

  statement {
    sid = "ManageThisEnvironmentsCertificates"
    actions = [
      "acm:AddTagsToCertificate",
      "acm:DeleteCertificate",
      "acm:DescribeCertificate",
      "acm:ListTagsForCertificate",
      "acm:RemoveTagsFromCertificate",
    ]
    resources = {{ '[for region in distinct([var.aws_region, "us-east-1"]) : "arn:aws:acm:${region}:${local.account_id}:certificate/*"]' if cookiecutter.cdn == 'yes' else '["arn:aws:acm:${var.aws_region}:${local.account_id}:certificate/*"]' }}

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid       = "ChangeOnlyThisEnvironmentsRecords"
    actions   = ["route53:ChangeResourceRecordSets"]
    resources = [data.aws_route53_zone.service.arn]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
      values = [
        local.service_domain_names[each.key],
        "_????????????????????????????????.${local.service_domain_names[each.key]}",
      ]
    }

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "route53:ChangeResourceRecordSetsRecordTypes"
      values   = [{{ '"A", "AAAA", "CNAME"' if cookiecutter.cdn == 'yes' else '"A", "CNAME"' }}]
    }
  }

  statement {
    sid = "ReadTheZone"
    actions = [
      "route53:GetHostedZone",
      "route53:ListResourceRecordSets",
      "route53:ListTagsForResource",
    ]
    resources = [data.aws_route53_zone.service.arn]
  }

  statement {
    sid       = "FollowRecordChanges"
    actions   = ["route53:GetChange"]
    resources = ["arn:aws:route53:::change/*"]
  }

  # Finding the zone by name cannot be scoped to it.
  statement {
    sid       = "FindTheZone"
    actions   = ["route53:ListHostedZones", "route53:ListHostedZonesByName"]
    resources = ["*"]
  }
}
