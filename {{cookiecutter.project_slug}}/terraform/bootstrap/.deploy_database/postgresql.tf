# What the deploy roles need for the database: RDS itself, the logs it exports, the master
# password it keeps in Secrets Manager, and the environment's key for all three.
data "aws_iam_policy_document" "deploy_database" {
  for_each = module.environment_names

  statement {
    sid = "CreateDatabaseResourcesTaggedForThisEnvironment"
    actions = [
      "rds:AddTagsToResource",
      "rds:CreateDBParameterGroup",
      "rds:CreateDBInstance",
      "rds:CreateDBSubnetGroup",
    ]
    # Named for the environment too.
    resources = [
      "${local.arn.rds}:db:${each.value.name}",
      "${local.arn.rds}:pg:${each.value.name}-*",
      "${local.arn.rds}:og:default:*",
      "${local.arn.rds}:subgrp:${each.value.name}",
    ]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "ChangeThisEnvironmentsDatabase"
    actions = [
      "rds:AddTagsToResource",
      "rds:DeleteDBParameterGroup",
      "rds:ModifyDBParameterGroup",
      "rds:DeleteDBInstance",
      "rds:DeleteDBSubnetGroup",
      "rds:ModifyDBInstance",
      "rds:ModifyDBSubnetGroup",
      "rds:RebootDBInstance",
      "rds:RemoveTagsFromResource",
      # make pause and make resume
      "rds:StartDBInstance",
      "rds:StopDBInstance",
    ]
    resources = ["${local.arn.rds}:*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }

  # The engine's default option group belongs to AWS and carries no tags.
  statement {
    sid = "UseTheEnginesDefaultOptionGroup"
    actions = [
      "rds:CreateDBInstance",
      "rds:ModifyDBInstance",
    ]
    resources = ["${local.arn.rds}:og:default:*"]
  }

  statement {
    sid = "DescribeTheDatabase"
    actions = [
      "rds:DescribeDBParameterGroups",
      "rds:DescribeDBParameters",
      "rds:DescribeDBInstances",
      "rds:DescribeDBSubnetGroups",
      "rds:ListTagsForResource",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.aws_region]
    }
  }

  statement {
    sid       = "CreateTheExportedLogGroupsTaggedForThisEnvironment"
    actions   = ["logs:CreateLogGroup", "logs:TagResource"]
    resources = [each.value.database_log_groups_arn, "${each.value.database_log_groups_arn}:*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  # RDS encrypts the storage, Performance Insights and the password's secret with the
  # environment's key, through grants made with the caller's permissions.
  statement {
    sid = "LetRdsUseTheEnvironmentsKey"
    actions = [
      "kms:CreateGrant",
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:GenerateDataKey",
    ]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["rds.${var.aws_region}.amazonaws.com", "secretsmanager.${var.aws_region}.amazonaws.com"]
    }
  }

  # RDS creates and rotates the master password's secret (named rds!...) with the caller's
  # permissions. A new secret has no tags yet; an existing one is held to its database.
  statement {
    sid       = "LetRdsCreateThePasswordSecret"
    actions   = ["secretsmanager:CreateSecret", "secretsmanager:TagResource"]
    resources = ["${local.arn.secrets}:secret:rds!*"]
  }

  statement {
    sid = "LetRdsManageThisEnvironmentsPasswordSecret"
    actions = [
      "secretsmanager:DeleteSecret",
      "secretsmanager:DescribeSecret",
      "secretsmanager:PutSecretValue",
      "secretsmanager:RotateSecret",
      "secretsmanager:UpdateSecret",
    ]
    resources = ["${local.arn.secrets}:secret:rds!*"]

    condition {
      test     = "StringEquals"
      variable = module.names.database_secret_owner_condition_key
      values   = [each.value.database_arn]
    }
  }

  statement {
    sid       = "HandTheMonitoringRoleToRds"
    actions   = ["iam:PassRole"]
    resources = [each.value.workload_role_arns.database_monitoring]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["monitoring.rds.amazonaws.com"]
    }
  }
}
