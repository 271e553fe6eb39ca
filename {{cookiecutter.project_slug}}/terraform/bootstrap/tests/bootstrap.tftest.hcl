# Plan-only tests of the bootstrap configuration against a mocked AWS provider.
# Run from terraform/bootstrap: terraform init && terraform test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::{{ cookiecutter.project_slug }}-tfstate-123456789012"
    }
  }

  mock_resource "aws_ecr_repository" {
    defaults = {
      arn = "arn:aws:ecr:{{ cookiecutter.aws_region }}:123456789012:repository/{{ cookiecutter.project_slug }}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    }
  }
}

run "state_bucket" {
  command = plan

  assert {
    condition     = aws_s3_bucket.state.bucket == "{{ cookiecutter.project_slug }}-tfstate-123456789012"
    error_message = "The state bucket name must carry the account ID, which makes it globally unique."
  }

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "The state bucket must keep old versions of the state."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "The state bucket must be encrypted with KMS."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.state.block_public_acls &&
      aws_s3_bucket_public_access_block.state.block_public_policy &&
      aws_s3_bucket_public_access_block.state.ignore_public_acls &&
      aws_s3_bucket_public_access_block.state.restrict_public_buckets
    )
    error_message = "Public access to the state bucket must be blocked."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Effect == "Deny" && jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "The state bucket must refuse requests without TLS."
  }
}

run "ecr_repository" {
  command = plan

  assert {
    condition     = aws_ecr_repository.app.name == "{{ cookiecutter.project_slug }}" && aws_ecr_repository.app.image_tag_mutability == "IMMUTABLE"
    error_message = "The image repository must have immutable tags."
  }

  assert {
    condition     = aws_ecr_repository.app.image_scanning_configuration[0].scan_on_push
    error_message = "Images must be scanned on push."
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.app.policy).rules[1].selection.countNumber == 30
    error_message = "The repository must keep the 30 most recent images."
  }

  assert {
    condition     = aws_ecr_repository.build_cache.name == "{{ cookiecutter.project_slug }}-build-cache" && aws_ecr_repository.build_cache.image_tag_mutability == "MUTABLE"
    error_message = "The build cache needs its own repository with a tag every build can overwrite."
  }
}

run "deploy_roles_trust_only_their_github_environment" {
  command = plan

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1 && one(aws_iam_openid_connect_provider.github).url == "https://token.actions.githubusercontent.com"
    error_message = "Expected the GitHub Actions OIDC provider."
  }

  assert {
    condition     = keys(aws_iam_role.deploy) == ["production", "staging"]
    error_message = "Expected one deploy role per environment."
  }

  assert {
    condition = alltrue([
      for environment, role in aws_iam_role.deploy :
      jsondecode(role.assume_role_policy).Statement == [{
        Sid       = "GitHubActionsInThe${title(environment)}Environment"
        Effect    = "Allow"
        Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
            "token.actions.githubusercontent.com:sub" = "repo:{{ cookiecutter.github_repository }}:environment:${environment}"
          }
        }
      }]
    ])
    error_message = "Each deploy role must trust exactly one principal, GitHub's OIDC provider, for repo:{{ cookiecutter.github_repository }}:environment:<its environment>."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy["staging"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:{{ cookiecutter.github_repository }}:environment:staging"
    error_message = "The staging role must trust only the staging environment of {{ cookiecutter.github_repository }}."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy["production"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:{{ cookiecutter.github_repository }}:environment:production"
    error_message = "The production role must trust only the production environment of {{ cookiecutter.github_repository }}."
  }

  assert {
    condition = alltrue([
      for environment, policy in aws_iam_role_policy.deploy :
      one([for statement in jsondecode(policy.policy).Statement : statement.Resource if statement.Sid == "ReadAndLockThisEnvironmentsState"]) == "arn:aws:s3:::{{ cookiecutter.project_slug }}-tfstate-123456789012/${environment}/*"
    ])
    error_message = "A deploy role may only touch its own environment's state."
  }

  assert {
    condition = alltrue([
      for policy in aws_iam_role_policy.deploy :
      contains(flatten([for statement in jsondecode(policy.policy).Statement : statement.Action if statement.Effect == "Deny"]), "kms:ScheduleKeyDeletion")
    ])
    error_message = "No deploy role may schedule the deletion of the key that encrypts the state and images."
  }
}

run "deploy_roles_cannot_give_themselves_more_power" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for environment, policy in aws_iam_role_policy.deploy : [
        for statement in jsondecode(policy.policy).Statement :
        statement.Resource == "arn:aws:iam::123456789012:role/{{ cookiecutter.project_slug }}/${environment}/*"
        if statement.Effect == "Allow" && anytrue([for action in flatten([statement.Action]) : startswith(action, "iam:") && action != "iam:CreateServiceLinkedRole"])
      ]
    ]))
    error_message = "A deploy role may manage only the roles under its environment's path, which its own role is not."
  }

  assert {
    condition = alltrue([
      for environment, policy in aws_iam_role_policy.deploy :
      one([for statement in jsondecode(policy.policy).Statement : statement if statement.Sid == "GrantPermissionsOnlyWithinTheBoundary"]) == {
        Sid      = "GrantPermissionsOnlyWithinTheBoundary"
        Effect   = "Allow"
        Action   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"]
        Resource = "arn:aws:iam::123456789012:role/{{ cookiecutter.project_slug }}/${environment}/*"
        Condition = {
          ArnEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::123456789012:policy/{{ cookiecutter.project_slug }}-${environment}-workload-boundary" }
        }
      }
    ])
    error_message = "A deploy role may create roles and give them permissions only with its environment's boundary."
  }

  assert {
    condition = alltrue([
      for environment, policy in aws_iam_role_policy.deploy :
      length([for statement in jsondecode(policy.policy).Statement : statement if contains(flatten([statement.Action]), "iam:PutRolePolicy") || contains(flatten([statement.Action]), "iam:CreateRole")]) == 1
    ])
    error_message = "No other statement may let a deploy role create roles or give them permissions."
  }

  assert {
    condition     = alltrue([for environment, boundary in aws_iam_policy.workload_boundary : boundary.name == "{{ cookiecutter.project_slug }}-${environment}-workload-boundary"])
    error_message = "Each environment needs its boundary, under the name the stack refers to."
  }

  assert {
    condition     = !strcontains(aws_iam_policy.workload_boundary["staging"].policy, "iam:")
    error_message = "The roles a stack creates must never be able to change IAM."
  }
}

run "an_environment_cannot_reach_another" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for environment, policy in merge(
        { for name, deploy in aws_iam_role_policy.deploy : name => deploy.policy },
        { for name, boundary in aws_iam_policy.workload_boundary : name => boundary.policy },
        ) : [
        for key in ["aws:ResourceTag/Environment", "aws:RequestTag/Environment"] :
        length([
          for statement in jsondecode(policy).Statement : statement
          if statement.Effect == "Deny" && statement.Action == "*" && try(statement.Condition.StringNotEquals[key], "") == environment && try(statement.Condition.Null[key], "") == "false"
        ]) == 1
      ]
    ]))
    error_message = "Deploy roles and the roles they create must be denied everything on, and creating, resources tagged for another environment."
  }

  assert {
    condition = (
      !strcontains(aws_iam_role_policy.deploy["production"].policy, "ecr:PutImage") &&
      strcontains(aws_iam_role_policy.deploy["staging"].policy, "ecr:PutImage")
    )
    error_message = "Only staging's deploys push images; production deploys the images staging ran."
  }
}

run "existing_oidc_provider_is_reused" {
  command = plan

  variables {
    github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    environments             = ["staging"]
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "An account has one GitHub OIDC provider: reuse the one given."
  }

  assert {
    condition     = keys(aws_iam_role.deploy) == ["staging"]
    error_message = "Only the environments listed get a deploy role."
  }
}
