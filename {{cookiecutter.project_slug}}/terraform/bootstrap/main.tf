# Run once per AWS account, before the first deploy: the Terraform state bucket, the ECR
# repository, GitHub's OIDC provider and one deploy role per environment.

data "aws_caller_identity" "current" {}

locals {
  account_id               = data.aws_caller_identity.current.account_id
  state_bucket_name        = "${var.project}-tfstate-${local.account_id}"
  github_oidc_provider_arn = coalesce(var.github_oidc_provider_arn, one(aws_iam_openid_connect_provider.github[*].arn))

  # The roles an environment's stack creates live under this IAM path (terraform/main.tf sets
  # it): its deploy role may manage those roles and no other, itself included.
  stack_roles = { for environment in var.environments : environment => "arn:aws:iam::${local.account_id}:role/${var.project}/${environment}/*" }
  # Known before the policies exist, and the same ARN terraform/main.tf computes.
  workload_boundaries = { for environment in var.environments : environment => "arn:aws:iam::${local.account_id}:policy/${var.project}-${environment}-workload-boundary" }

  push_images = {
    Sid    = "PushImages"
    Effect = "Allow"
    Action = [
      "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    Resource = [aws_ecr_repository.app.arn, aws_ecr_repository.build_cache.arn]
  }

  # Denies everything on resources tagged for another environment, and creating resources tagged
  # for one: a staging deploy can never reach production. Untagged resources (this bootstrap's)
  # are not concerned; every resource of a stack carries its Environment tag (default_tags).
  other_environments_denied = {
    for environment in var.environments : environment => [
      {
        Sid      = "NeverTouchAnotherEnvironmentsResources"
        Effect   = "Deny"
        Action   = "*"
        Resource = "*"
        Condition = {
          StringNotEquals = { "aws:ResourceTag/Environment" = environment }
          Null            = { "aws:ResourceTag/Environment" = "false" }
        }
      },
      {
        Sid      = "NeverCreateAnotherEnvironmentsResources"
        Effect   = "Deny"
        Action   = "*"
        Resource = "*"
        Condition = {
          StringNotEquals = { "aws:RequestTag/Environment" = environment }
          Null            = { "aws:RequestTag/Environment" = "false" }
        }
      },
    ]
  }
}

# Encrypts the state files and the images.
resource "aws_kms_key" "bootstrap" {
  description             = "Encrypts the Terraform state and the images of ${var.project}"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministersTheKeyThroughIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "bootstrap" {
  name          = "alias/${var.project}-bootstrap"
  target_key_id = aws_kms_key.bootstrap.key_id
}

################################################################################
# Terraform state
################################################################################

resource "aws_s3_bucket" "state" {
  # checkov:skip=CKV_AWS_18: server access logs would need a second bucket; CloudTrail data events are the audit trail for state reads and writes
  # checkov:skip=CKV_AWS_144: versioning protects the state; cross-region replication would add a second bucket and key for an outage the state can wait out
  # checkov:skip=CKV2_AWS_62: nothing consumes events about state writes
  bucket = local.state_bucket_name

  # Losing this bucket loses track of every environment.
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket = aws_s3_bucket.state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Every state write keeps the previous version: a bad apply can be undone by restoring it.
resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.bootstrap.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "expire-old-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.state_noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
      Condition = {
        Bool = { "aws:SecureTransport" = "false" }
      }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.state]
}

################################################################################
# Container images
################################################################################

# Tags are immutable: a tag is a commit SHA and always means the same image, so a rollback
# redeploys exactly what ran before.
resource "aws_ecr_repository" "app" {
  name                 = var.project
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.bootstrap.arn
  }
}

resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Drop untagged layers left by rebuilds after a day"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 1
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the ${var.ecr_images_to_keep} most recent images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_images_to_keep
        }
        action = { type = "expire" }
      },
    ]
  })
}

# buildx's layer cache for the deploy workflow. A separate repository because the cache is one
# tag that every build overwrites, which the immutable image repository refuses.
resource "aws_ecr_repository" "build_cache" {
  # checkov:skip=CKV_AWS_51: the cache tag is rewritten by every build; nothing deploys from this repository
  name                 = "${var.project}-build-cache"
  image_tag_mutability = "MUTABLE"
  force_delete         = true

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.bootstrap.arn
  }
}

resource "aws_ecr_lifecycle_policy" "build_cache" {
  repository = aws_ecr_repository.build_cache.name

  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Drop cache layers no build has referenced for a week"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = 7
      }
      action = { type = "expire" }
    }]
  })
}

################################################################################
# GitHub Actions deploy roles
################################################################################

resource "aws_iam_openid_connect_provider" "github" {
  count = var.github_oidc_provider_arn == null ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

# Only a workflow job of this repository that runs in the GitHub environment of the same name
# can assume the role: not other branches' jobs without that environment, not forks, not other
# repositories.
resource "aws_iam_role" "deploy" {
  for_each = var.environments

  name                 = "${var.project}-${each.key}-deploy"
  description          = "Deploys ${var.project} to ${each.key} from GitHub Actions of ${var.github_repository}"
  max_session_duration = 3600

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubActionsInThe${title(each.key)}Environment"
      Effect    = "Allow"
      Principal = { Federated = local.github_oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:${var.github_repository}:environment:${each.key}"
        }
      }
    }]
  })
}

# The most any role an environment's stack creates may ever do, whatever policy it is given:
# its deploy role can create roles only with this boundary, so it cannot make itself a more
# powerful role. When the application needs another AWS API, allow it here (then in the task
# role's policy, terraform/modules/service) and run `make bootstrap`.
resource "aws_iam_policy" "workload_boundary" {
  for_each = var.environments

  name        = "${var.project}-${each.key}-workload-boundary"
  description = "Caps the roles of ${var.project}'s ${each.key} environment"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        # Container, flow and Enhanced Monitoring logs.
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = "logs:*"
        Resource = "*"
      },
      {
        Sid    = "PullImages"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetAuthorizationToken",
          "ecr:GetDownloadUrlForLayer",
        ]
        Resource = "*"
      },
{% if cookiecutter.database != 'none' %}
      {
        # ECS injects the database password at start; the service reads it again after a rotation.
        Sid      = "ReadSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "kms:Decrypt"]
        Resource = "*"
      },
{% endif %}
    ], local.other_environments_denied[each.key])
  })
}

resource "aws_iam_role_policy" "deploy" {
  for_each = var.environments

  name = "deploy-${each.key}"
  role = aws_iam_role.deploy[each.key].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "FindTheStateBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation"]
        Resource = aws_s3_bucket.state.arn
      },
      {
        Sid      = "ReadAndLockThisEnvironmentsState"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${aws_s3_bucket.state.arn}/${each.key}/*"
      },
      {
        Sid      = "UseTheStateAndImageKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
        Resource = aws_kms_key.bootstrap.arn
      },
      {
        # The infrastructure statement below allows kms:* in the region; this key encrypts
        # every environment's state and every image, so no deploy role may take it away.
        Sid      = "NeverDisableTheStateAndImageKey"
        Effect   = "Deny"
        Action   = ["kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"]
        Resource = aws_kms_key.bootstrap.arn
      },
      {
        Sid      = "AuthenticateToEcr"
        Effect   = "Allow"
        Action   = "ecr:GetAuthorizationToken"
        Resource = "*"
      },
      {
        Sid    = "InspectImages"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:DescribeImages",
          "ecr:DescribeRepositories",
          "ecr:GetDownloadUrlForLayer",
          "ecr:ListImages",
          "ecr:ListTagsForResource",
        ]
        Resource = [aws_ecr_repository.app.arn, aws_ecr_repository.build_cache.arn]
      },
      {
        # Terraform creates these resources, so their ARNs cannot be listed in advance: the
        # statement is held to the services the stack uses, in this region.
        Sid    = "ManageTheEnvironmentsInfrastructure"
        Effect = "Allow"
        Action = [
          "application-autoscaling:*",
          "cloudwatch:*",
          "ec2:*",
          "ecs:*",
          "elasticloadbalancing:*",
          "kms:*",
          "logs:*",
{% if cookiecutter.database != 'none' %}
          "rds:*",
          "secretsmanager:*",
{% endif %}
{% if cookiecutter.https != 'off' %}
          "acm:*",
{% endif %}
        ]
        Resource = "*"
        Condition = {
          StringEquals = { "aws:RequestedRegion" = var.aws_region }
        }
      },
{% if cookiecutter.https == 'acm-route53' %}
      {
        # Route 53 is a global service: no region condition applies.
        Sid    = "ManageDnsRecords"
        Effect = "Allow"
        Action = [
          "route53:ChangeResourceRecordSets",
          "route53:GetChange",
          "route53:GetHostedZone",
          "route53:ListHostedZones",
          "route53:ListResourceRecordSets",
          "route53:ListTagsForResource",
        ]
        Resource = "*"
      },
{% endif %}
      {
        # Giving a role permissions needs the environment's boundary on it: whatever the policy
        # says, the role can do no more than the boundary allows.
        Sid      = "GrantPermissionsOnlyWithinTheBoundary"
        Effect   = "Allow"
        Action   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"]
        Resource = local.stack_roles[each.key]
        Condition = {
          ArnEquals = { "iam:PermissionsBoundary" = local.workload_boundaries[each.key] }
        }
      },
      {
        Sid    = "ManageThisEnvironmentsRoles"
        Effect = "Allow"
        Action = [
          "iam:DeleteRole",
          "iam:DeleteRolePolicy",
          "iam:GetRole",
          "iam:GetRolePolicy",
          "iam:ListAttachedRolePolicies",
          "iam:ListInstanceProfilesForRole",
          "iam:ListRolePolicies",
          "iam:TagRole",
          "iam:UntagRole",
          "iam:UpdateAssumeRolePolicy",
          "iam:UpdateRole",
        ]
        Resource = local.stack_roles[each.key]
      },
{% if cookiecutter.database != 'none' %}
      {
        # The one managed policy the stack attaches: RDS Enhanced Monitoring's.
        Sid      = "AttachTheMonitoringPolicy"
        Effect   = "Allow"
        Action   = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
        Resource = local.stack_roles[each.key]
        Condition = {
          ArnEquals = {
            "iam:PolicyARN"           = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
            "iam:PermissionsBoundary" = local.workload_boundaries[each.key]
          }
        }
      },
{% endif %}
      {
        Sid      = "HandTheRolesToTheirServices"
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = local.stack_roles[each.key]
        Condition = {
          StringEquals = {
            "iam:PassedToService" = [
              "ecs-tasks.amazonaws.com",
              "vpc-flow-logs.amazonaws.com",
{% if cookiecutter.database != 'none' %}
              "monitoring.rds.amazonaws.com",
{% endif %}
            ]
          }
        }
      },
      {
        Sid      = "CreateServiceLinkedRolesOnFirstUse"
        Effect   = "Allow"
        Action   = "iam:CreateServiceLinkedRole"
        Resource = "*"
        Condition = {
          StringEquals = {
            "iam:AWSServiceName" = [
              "ecs.amazonaws.com",
              "ecs.application-autoscaling.amazonaws.com",
              "elasticloadbalancing.amazonaws.com",
{% if cookiecutter.database != 'none' %}
              "rds.amazonaws.com",
{% endif %}
            ]
          }
        }
      },
      ],
      # Images are built on the way to staging; production deploys those same images.
      each.key == "production" ? [] : [local.push_images],
      local.other_environments_denied[each.key],
    )
  })
}
