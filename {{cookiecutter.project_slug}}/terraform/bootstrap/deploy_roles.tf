# One deploy role per environment: what `make deploy` runs as in GitHub Actions. It applies its
# environment's Terraform and nothing else. Mutations are allowed on resources that carry the
# environment's tag (or name), creations only with that tag; the few actions AWS cannot scope
# are listed, each with the reason it is harmless. It pushes no image: the image publisher
# does (image_publisher.tf).

resource "aws_iam_role" "deploy" {
  for_each = module.environment_names

  name                 = each.value.deploy_role
  description          = "Deploys ${var.project} to ${each.key} from GitHub Actions of ${var.github_repository}"
  max_session_duration = 3600
  assume_role_policy   = data.aws_iam_policy_document.github_trust[each.key].json

  # IAM refuses a trust policy naming an identity provider that does not exist yet.
  depends_on = [aws_iam_openid_connect_provider.github]
}

locals {
  # One managed policy per concern: an inline policy could not hold them all (10,240 characters
  # per role), a managed one holds 6,144.
  deploy_policy_documents = {
    state         = data.aws_iam_policy_document.deploy_state
    network       = data.aws_iam_policy_document.deploy_network
    load-balancer = data.aws_iam_policy_document.deploy_load_balancer
    service       = data.aws_iam_policy_document.deploy_service
    guardrails    = data.aws_iam_policy_document.deploy_guardrails
    monitoring    = data.aws_iam_policy_document.deploy_monitoring
{% if cookiecutter.database != 'none' %}
    database      = data.aws_iam_policy_document.deploy_database
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}
    dns           = data.aws_iam_policy_document.deploy_dns
{% endif %}
{% if cookiecutter.waf == 'yes' %}
    waf           = data.aws_iam_policy_document.deploy_waf
{% endif %}
{% if cookiecutter.cdn == 'yes' %}
    cdn           = data.aws_iam_policy_document.deploy_cdn
{% endif %}
{% if cookiecutter.events == 'yes' %}
    events        = data.aws_iam_policy_document.deploy_events
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}
    storage       = data.aws_iam_policy_document.deploy_object_storage
{% endif %}
  }

  deploy_policies = merge([
    for environment in var.environments : {
      for concern, documents in local.deploy_policy_documents : "${environment}/${concern}" => {
        environment = environment
        concern     = concern
        policy      = documents[environment].json
      }
    }
  ]...)
}

resource "aws_iam_policy" "deploy" {
  for_each = local.deploy_policies

  name        = "${module.environment_names[each.value.environment].deploy_role}-${each.value.concern}"
  description = "What the ${each.value.environment} deploy role may do: ${each.value.concern}"
  policy      = each.value.policy
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = local.deploy_policies

  role       = aws_iam_role.deploy[each.value.environment].name
  policy_arn = aws_iam_policy.deploy[each.key].arn
}

# The environment's state, the images to deploy, and reading what the stack describes.
data "aws_iam_policy_document" "deploy_state" {
  for_each = module.environment_names

  statement {
    sid       = "FindTheStateBucket"
    actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
    resources = [module.names.state_bucket_arn]
  }

  statement {
    sid       = "ReadAndLockThisEnvironmentsState"
    actions   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    resources = ["${module.names.state_bucket_arn}/${each.key}/*"]
  }

  # Through S3 only, for the state; guardrails deny everything else on this key.
  statement {
    sid       = "EncryptTheStateWithTheSharedKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = ["${local.arn.kms}:key/*"]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [module.names.bootstrap_key_alias]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.aws_region}.amazonaws.com"]
    }
  }

  # A deploy resolves an image tag to its digest; it never pushes.
  statement {
    sid = "ResolveImagesToDeploy"
    actions = [
      "ecr:BatchGetImage",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:ListTagsForResource",
    ]
    resources = [module.names.ecr_repository_arn]
  }

  statement {
    sid       = "ReadTheServiceLogs"
    actions   = ["logs:FilterLogEvents"]
    resources = ["${each.value.log_group_arns.service}:*"]
  }

  # Describe and List actions cannot be scoped to resources; they read no data, only settings.
  statement {
    sid = "DescribeTheStack"
    actions = [
      "application-autoscaling:DescribeScalableTargets",
      "application-autoscaling:DescribeScalingActivities",
      "application-autoscaling:DescribeScalingPolicies",
      "application-autoscaling:DescribeScheduledActions",
      "cloudwatch:DescribeAlarms",
      "ec2:DescribeAddresses",
      "ec2:DescribeAddressesAttribute",
      "ec2:DescribeAvailabilityZones",
      "ec2:DescribeFlowLogs",
      "ec2:DescribeInternetGateways",
      "ec2:DescribeNatGateways",
      "ec2:DescribeNetworkAcls",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribePrefixLists",
      "ec2:DescribeRouteTables",
      "ec2:DescribeSecurityGroupRules",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcAttribute",
      "ec2:DescribeVpcEndpoints",
      "ec2:DescribeVpcs",
      "ecs:DescribeClusters",
      "ecs:DescribeServices",
      "ecs:DescribeTaskDefinition",
      "ecs:ListTagsForResource",
      "elasticloadbalancing:DescribeCapacityReservation",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeTags",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "kms:ListAliases",
      "logs:DescribeLogGroups",
      "logs:ListTagsForResource",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.aws_region]
    }
  }
}

# The VPC and what is in it. EC2 authorizes each resource a call touches on its own: a new
# resource by the tags in the request, the ones it goes into (the VPC of a subnet) by their
# tags, so creating and using are separate statements.
data "aws_iam_policy_document" "deploy_network" {
  for_each = module.environment_names

  statement {
    sid = "CreateNetworkResourcesTaggedForThisEnvironment"
    actions = [
      "ec2:AllocateAddress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:CreateFlowLogs",
      "ec2:CreateInternetGateway",
      "ec2:CreateNatGateway",
      "ec2:CreateRouteTable",
      "ec2:CreateSecurityGroup",
      "ec2:CreateSubnet",
      "ec2:CreateVpc",
      "ec2:CreateVpcEndpoint",
    ]
    resources = [
      for type in ["elastic-ip", "internet-gateway", "natgateway", "route-table", "security-group", "security-group-rule", "subnet", "vpc", "vpc-endpoint", "vpc-flow-log"] :
      "${local.arn.ec2}:${type}/*"
    ]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "ChangeThisEnvironmentsNetworkResources"
    actions = [
      "ec2:AssociateRouteTable",
      "ec2:AttachInternetGateway",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:CreateFlowLogs",
      "ec2:CreateNatGateway",
      "ec2:CreateNetworkAclEntry",
      "ec2:CreateRoute",
      "ec2:CreateRouteTable",
      "ec2:CreateSecurityGroup",
      "ec2:CreateSubnet",
      "ec2:CreateVpcEndpoint",
      "ec2:DeleteFlowLogs",
      "ec2:DeleteInternetGateway",
      "ec2:DeleteNatGateway",
      "ec2:DeleteNetworkAclEntry",
      "ec2:DeleteRoute",
      "ec2:DeleteRouteTable",
      "ec2:DeleteSecurityGroup",
      "ec2:DeleteSubnet",
      "ec2:DeleteVpc",
      "ec2:DeleteVpcEndpoints",
      "ec2:DetachInternetGateway",
      "ec2:DisassociateAddress",
      "ec2:DisassociateRouteTable",
      "ec2:ModifySecurityGroupRules",
      "ec2:ModifySubnetAttribute",
      "ec2:ModifyVpcAttribute",
      "ec2:ModifyVpcEndpoint",
      "ec2:ReleaseAddress",
      "ec2:ReplaceNetworkAclAssociation",
      "ec2:ReplaceNetworkAclEntry",
      "ec2:ReplaceRoute",
      "ec2:ReplaceRouteTableAssociation",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
      "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
    ]
    resources = ["${local.arn.ec2}:*/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }

  # Tags given to a resource as it is created (the tag is what makes the rest of this policy
  # apply to it).
  statement {
    sid       = "TagNetworkResourcesAsTheyAreCreated"
    actions   = ["ec2:CreateTags"]
    resources = ["${local.arn.ec2}:*/*"]

    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values = [
        "AllocateAddress",
        "AuthorizeSecurityGroupEgress",
        "AuthorizeSecurityGroupIngress",
        "CreateFlowLogs",
        "CreateInternetGateway",
        "CreateNatGateway",
        "CreateRouteTable",
        "CreateSecurityGroup",
        "CreateSubnet",
        "CreateVpc",
        "CreateVpcEndpoint",
      ]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid       = "RetagThisEnvironmentsNetworkResources"
    actions   = ["ec2:CreateTags"]
    resources = ["${local.arn.ec2}:*/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid       = "UntagThisEnvironmentsNetworkResourcesButNeverItsEnvironment"
    actions   = ["ec2:DeleteTags"]
    resources = ["${local.arn.ec2}:*/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "ForAllValues:StringNotEquals"
      variable = "aws:TagKeys"
      values   = ["Environment"]
    }
  }

  # AWS creates a new VPC's default security group, network ACL and route table untagged; the
  # network module adopts them by tagging them. Limit: an untagged resource of these three
  # kinds elsewhere in the region could be adopted the same way (docs/operations.md).
  statement {
    sid       = "AdoptTheNewVpcsDefaultResources"
    actions   = ["ec2:CreateTags"]
    resources = [for type in ["network-acl", "route-table", "security-group"] : "${local.arn.ec2}:${type}/*"]

    condition {
      test     = "Null"
      variable = "aws:ResourceTag/Environment"
      values   = ["true"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid       = "HandTheFlowLogsRoleToFlowLogs"
    actions   = ["iam:PassRole"]
    resources = [each.value.workload_role_arns.flow_logs]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

# The ECS cluster and service, autoscaling, logs and the environment's key.
data "aws_iam_policy_document" "deploy_service" {
  for_each = module.environment_names

  statement {
    sid = "CreateServiceResourcesTaggedForThisEnvironment"
    actions = [
      "ecs:CreateCluster",
      "ecs:CreateService",
      "ecs:RegisterTaskDefinition",
      "logs:CreateLogGroup",
    ]
    # Named for the environment too, so that one environment cannot take the other's names.
    resources = concat(
      [
        "${local.arn.ecs}:cluster/${each.value.name}",
        "${local.arn.ecs}:service/${each.value.name}/${each.value.name}",
        "${local.arn.ecs}:task-definition/${each.value.name}:*",
      ],
      flatten([for arn in values(each.value.log_group_arns) : [arn, "${arn}:*"]]),
    )

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }

    # A service runs its own family's task definitions only: another family's could carry the
    # other environment's roles.
    condition {
      test     = "ArnLikeIfExists"
      variable = "ecs:task-definition"
      values   = ["${local.arn.ecs}:task-definition/${each.value.name}:*"]
    }
  }

  # A new key and a new scalable target have no name to hold them to before they exist.
  statement {
    sid       = "CreateKeysAndScalableTargetsTaggedForThisEnvironment"
    actions   = ["application-autoscaling:RegisterScalableTarget", "kms:CreateKey"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.aws_region]
    }
  }

  # Each service asks for its own tagging permission while creating; these hold it to that.
  statement {
    sid       = "TagServiceResourcesAsTheyAreCreated"
    actions   = ["ecs:TagResource"]
    resources = ["${local.arn.ecs}:*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["CreateCluster", "CreateService", "RegisterTaskDefinition"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  # Log groups, keys and scalable targets have no "create action" to check: tagging them is
  # allowed with this environment's tag, and only on this environment's log groups by name.
  # Limit: an untagged key or scalable target elsewhere in the region could be tagged as this
  # environment's (docs/operations.md).
  statement {
    sid = "TagLogGroupsKeysAndScalableTargetsForThisEnvironment"
    actions = [
      "application-autoscaling:TagResource",
      "kms:TagResource",
      "logs:TagResource",
    ]
    resources = concat(
      values(each.value.log_group_arns),
      [
        "arn:aws:application-autoscaling:${var.aws_region}:${local.account_id}:scalable-target/*",
        "${local.arn.kms}:key/*",
      ],
    )

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "ChangeThisEnvironmentsServiceResources"
    actions = [
      "application-autoscaling:DeleteScalingPolicy",
      "application-autoscaling:DeleteScheduledAction",
      "application-autoscaling:DeregisterScalableTarget",
      "application-autoscaling:ListTagsForResource",
      "application-autoscaling:PutScalingPolicy",
      "application-autoscaling:PutScheduledAction",
      "application-autoscaling:RegisterScalableTarget",
      "application-autoscaling:TagResource",
      "application-autoscaling:UntagResource",
      "ecs:DeleteCluster",
      "ecs:DeleteService",
      "ecs:PutClusterCapacityProviders",
      "ecs:TagResource",
      "ecs:UntagResource",
      "ecs:UpdateCluster",
      "ecs:UpdateService",
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:EnableKeyRotation",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
      "logs:AssociateKmsKey",
      "logs:DeleteLogGroup",
      "logs:DeleteRetentionPolicy",
      "logs:DisassociateKmsKey",
      "logs:PutRetentionPolicy",
      "logs:TagResource",
      "logs:UntagResource",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }

    condition {
      test     = "ArnLikeIfExists"
      variable = "ecs:task-definition"
      values   = ["${local.arn.ecs}:task-definition/${each.value.name}:*"]
    }
  }

  # Aliases carry no tags: the environment's alias is named for it (its key is held to the
  # environment's tag by the statement above).
  statement {
    sid       = "NameTheEnvironmentsKey"
    actions   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    resources = ["${local.arn.kms}:alias/${each.value.name}"]
  }

  # Target tracking creates and deletes its alarms with the caller's permissions; they are
  # named for the service they scale.
  statement {
    sid       = "ManageTheTargetTrackingAlarms"
    actions   = ["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm"]
    resources = ["arn:aws:cloudwatch:${var.aws_region}:${local.account_id}:alarm:TargetTracking-service/${each.value.name}/${each.value.name}-*"]
  }

  # Deregistering has no resource-level permission in ECS. It only marks a revision inactive:
  # services and tasks that use it keep running and scaling.
  statement {
    sid       = "DeregisterTaskDefinitionRevisions"
    actions   = ["ecs:DeregisterTaskDefinition"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.aws_region]
    }
  }

  # The stack writes the policies of the environment's workload roles; their boundary (created
  # by bootstrap) caps whatever it writes.
  statement {
    sid = "ReadTheWorkloadRoles"
    actions = [
      "iam:GetRole",
      "iam:GetRolePolicy",
      "iam:ListAttachedRolePolicies",
      "iam:ListRolePolicies",
    ]
    resources = values(each.value.workload_role_arns)
  }

  # The stack writes the policies of the environment's workload roles; their boundary (created
  # by bootstrap) caps whatever it writes.
  statement {
    sid       = "WriteTheWorkloadRolesPolicies"
    actions   = ["iam:DeleteRolePolicy", "iam:PutRolePolicy"]
    resources = values(each.value.workload_role_arns)

    condition {
      test     = "ArnEquals"
      variable = "iam:PermissionsBoundary"
      values   = [each.value.workload_boundary_arn]
    }
  }

  statement {
    sid       = "HandTheTaskRolesToEcs"
    actions   = ["iam:PassRole"]
    resources = [each.value.workload_role_arns.execution, each.value.workload_role_arns.task]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "CreateServiceLinkedRolesOnFirstUse"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["arn:aws:iam::${local.account_id}:role/aws-service-role/*"]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values = [
        "ecs.amazonaws.com",
        "ecs.application-autoscaling.amazonaws.com",
        "elasticloadbalancing.amazonaws.com",
{% if 'postgresql' in cookiecutter.database %}
        "rds.amazonaws.com",
{% endif %}
      ]
    }
  }
}

# The load balancer, its target group and listeners.
data "aws_iam_policy_document" "deploy_load_balancer" {
  for_each = module.environment_names

  statement {
    sid     = "CreateLoadBalancerResourcesTaggedForThisEnvironment"
    actions = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]
    # Named for the environment too, so that one environment cannot take the other's names.
    resources = [
      "${local.arn.elb}:loadbalancer/app/${each.value.name}/*",
      "${local.arn.elb}:targetgroup/${each.value.name}/*",
    ]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid       = "TagLoadBalancerResourcesAsTheyAreCreated"
    actions   = ["elasticloadbalancing:AddTags"]
    resources = ["${local.arn.elb}:*"]

    condition {
      test     = "StringEquals"
      variable = "elasticloadbalancing:CreateAction"
      values   = ["CreateListener", "CreateLoadBalancer", "CreateRule", "CreateTargetGroup"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Environment"
      values   = [each.key]
    }
  }

  statement {
    sid = "ChangeThisEnvironmentsLoadBalancer"
    actions = [
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:RemoveTags",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
    ]
    resources = ["${local.arn.elb}:*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Environment"
      values   = [each.key]
    }
  }
}

# Explicit denies, which no allow can outweigh.
data "aws_iam_policy_document" "deploy_guardrails" {
  for_each = module.environment_names

  source_policy_documents = [data.aws_iam_policy_document.environment_isolation[each.key].json]

  # The shared key is known by its alias, which no deploy role may move or remove.
  statement {
    sid       = "OnlyUseTheSharedKey"
    effect    = "Deny"
    resources = ["${local.arn.kms}:key/*"]
    not_actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey",
    ]

    condition {
      test     = "ForAnyValue:StringEquals"
      variable = "kms:ResourceAliases"
      values   = [module.names.bootstrap_key_alias]
    }
  }

  statement {
    sid       = "NeverMoveTheSharedKeysAlias"
    effect    = "Deny"
    actions   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    resources = ["${local.arn.kms}:${module.names.bootstrap_key_alias}"]
  }

  statement {
    sid    = "NeverRetagWhatBootstrapCreated"
    effect = "Deny"
    actions = [
      "ecr:TagResource",
      "ecr:UntagResource",
      "iam:TagOpenIDConnectProvider",
      "iam:TagPolicy",
      "iam:TagRole",
      "iam:UntagOpenIDConnectProvider",
      "iam:UntagPolicy",
      "iam:UntagRole",
    ]
    resources = ["*"]
  }

  # The state bucket's tags are bootstrap's (an environment's own bucket is tagged by its stack).
  statement {
    sid       = "NeverRetagTheStateBucket"
    effect    = "Deny"
    actions   = ["s3:PutBucketTagging"]
    resources = [module.names.state_bucket_arn]
  }

  statement {
    sid    = "NeverCreateIdentitiesOrChangeTrust"
    effect = "Deny"
    actions = [
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:AttachRolePolicy",
      "iam:CreateAccessKey",
      "iam:CreateLoginProfile",
      "iam:CreateOpenIDConnectProvider",
      "iam:CreatePolicy",
      "iam:CreatePolicyVersion",
      "iam:CreateRole",
      "iam:CreateUser",
      "iam:DeleteRole",
      "iam:DeleteRolePermissionsBoundary",
      "iam:PutRolePermissionsBoundary",
      "iam:SetDefaultPolicyVersion",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:UpdateRole",
    ]
    resources = ["*"]
  }

  # Settings of the whole account or region, which belong to no environment.
  statement {
    sid    = "NeverChangeAccountSettings"
    effect = "Deny"
    actions = [
      "ec2:DisableEbsEncryptionByDefault",
      "ec2:DisableImageBlockPublicAccess",
      "ec2:DisableSerialConsoleAccess",
      "ec2:DisableSnapshotBlockPublicAccess",
      "ec2:EnableEbsEncryptionByDefault",
      "ec2:EnableImageBlockPublicAccess",
      "ec2:EnableSerialConsoleAccess",
      "ec2:EnableSnapshotBlockPublicAccess",
      "ec2:ModifyEbsDefaultKmsKeyId",
      "ec2:ModifyInstanceMetadataDefaults",
      "ec2:ModifyVpcBlockPublicAccessOptions",
      "ec2:ResetEbsDefaultKmsKeyId",
      "ecs:DeleteAccountSetting",
      "ecs:PutAccountSetting",
      "ecs:PutAccountSettingDefault",
      "iam:DeleteAccountPasswordPolicy",
      "iam:UpdateAccountPasswordPolicy",
      "logs:DeleteAccountPolicy",
      "logs:DeleteResourcePolicy",
      "logs:PutAccountPolicy",
      "logs:PutResourcePolicy",
      "s3:PutAccountPublicAccessBlock",
    ]
    resources = ["*"]
  }

  # The stack runs no instances, and shares nothing with other accounts.
  statement {
    sid    = "NeverRunInstancesOrShareSnapshotsAndImages"
    effect = "Deny"
    actions = [
      "ec2:ModifyImageAttribute",
      "ec2:ModifySnapshotAttribute",
      "ec2:RunInstances",
{% if 'postgresql' in cookiecutter.database %}
      "rds:ModifyDBClusterSnapshotAttribute",
      "rds:ModifyDBSnapshotAttribute",
{% endif %}
    ]
    resources = ["*"]
  }
}
