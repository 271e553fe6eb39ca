# Plan-only tests of the bootstrap configuration: no credentials, no cost.
# Run from terraform/bootstrap: terraform init && terraform test

# Planned offline by the real aws provider, with fake credentials: a plan makes no AWS call,
# and the data sources that would are overridden. A mocked provider would mock the IAM policy
# documents too, and the policies are what these tests read.
provider "aws" {
  region                      = "{{ cookiecutter.aws_region }}"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}
{% if cookiecutter.cdn == 'yes' and cookiecutter.waf == 'yes' %}

provider "aws" {
  alias                       = "us_east_1"
  region                      = "us-east-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}
{% endif %}

override_data {
  target          = data.aws_caller_identity.current
  override_during = plan
  values = {
    account_id = "123456789012"
  }
}
{% if cookiecutter.https == 'acm-route53' %}

override_data {
  target          = data.aws_route53_zone.service
  override_during = plan
  values = {
    arn     = "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"
    zone_id = "Z0123456789ABCDEFGHIJ"
  }
}
{% endif %}

# make github records the repository's id in github.auto.tfvars, which terraform test reads
# too: the runs below set it where they assume one.
variables {
  github_repository_id = null
}

# Every assert on the plan of the default variables, in one run: each run plans anew and
# starts the provider again. The runs after it set variables of their own.
run "with_the_default_variables" {
  command = plan

  # The state bucket.
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

  # The image repositories.
  assert {
    condition     = aws_ecr_repository.app.name == "{{ cookiecutter.project_slug }}" && aws_ecr_repository.app.image_tag_mutability == "IMMUTABLE"
    error_message = "The image repository must have immutable tags."
  }

  assert {
    condition     = aws_ecr_repository.app.image_scanning_configuration[0].scan_on_push
    error_message = "Images must be scanned on push."
  }

  # An image a rule's tag filter selects is out of reach of every later rule.
  assert {
    condition = jsondecode(aws_ecr_lifecycle_policy.app.policy).rules[0] == {
      rulePriority = 1
      description  = "Keep every image an environment has run for ${var.deployed_image_retention_days} days after its push"
      selection = {
        tagStatus     = "tagged"
        tagPrefixList = ["deployed-"]
        countType     = "sinceImagePushed"
        countUnit     = "days"
        countNumber   = var.deployed_image_retention_days
      }
      action = { type = "expire" }
    }
    error_message = "The first lifecycle rule must hold every image an environment ran (deployed-*) out of the count rule's reach."
  }

  assert {
    condition     = [for rule in jsondecode(aws_ecr_lifecycle_policy.app.policy).rules : rule.selection.tagStatus] == ["tagged", "untagged", "any"] && jsondecode(aws_ecr_lifecycle_policy.app.policy).rules[2].selection.countNumber == var.ecr_images_to_keep
    error_message = "Of the images no environment ran, the repository keeps the ecr_images_to_keep most recent."
  }

  assert {
    condition     = aws_ecr_repository.build_cache.name == "{{ cookiecutter.project_slug }}-build-cache" && aws_ecr_repository.build_cache.image_tag_mutability == "MUTABLE"
    error_message = "The build cache needs its own repository with a tag every build can overwrite."
  }

  # Only the build job on main publishes images.
  assert {
    condition = jsondecode(aws_iam_role.image_publisher.assume_role_policy).Statement == [{
      Sid       = "TheBuildJobOnMain"
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:{{ cookiecutter.github_repository }}:ref:refs/heads/main"
        }
      }
    }]
    error_message = "The image publisher must trust exactly one subject: jobs of {{ cookiecutter.github_repository }} on main without an environment."
  }

  assert {
    condition     = toset(one([for statement in jsondecode(aws_iam_role_policy.image_publisher.policy).Statement : statement.Resource if contains(flatten([statement.Action]), "ecr:PutImage")])) == toset(["arn:aws:ecr:{{ cookiecutter.aws_region }}:123456789012:repository/{{ cookiecutter.project_slug }}", "arn:aws:ecr:{{ cookiecutter.aws_region }}:123456789012:repository/{{ cookiecutter.project_slug }}-build-cache"])
    error_message = "The publisher pushes to the image repository and the build cache, nowhere else."
  }

  # Deploy roles trust only their GitHub environment.
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
        Sid       = "JobsInThe${title(environment)}Environment"
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
    error_message = "Each deploy role must trust exactly one subject: repo:{{ cookiecutter.github_repository }}:environment:<its environment>."
  }

  # Deploy roles push no images and create no roles.
  assert {
    condition = alltrue(flatten([
      for policy in aws_iam_policy.deploy : [
        for statement in jsondecode(policy.policy).Statement : [
          for action in flatten([try(statement.Action, [])]) :
          !contains(["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy"], action)
        ] if statement.Effect == "Allow"
      ]
    ]))
    error_message = "No deploy role may push an image, create a role, change a trust policy or a boundary, or attach a policy."
  }

  assert {
    condition     = alltrue([for policy in aws_iam_policy.deploy : !strcontains(policy.policy, "{{ cookiecutter.project_slug }}-build-cache")])
    error_message = "No deploy role may read or write the build cache, which only the publisher uses."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] :
      contains(flatten([for statement in jsondecode(aws_iam_policy.deploy["${environment}/guardrails"].policy).Statement : statement.Action if statement.Effect == "Deny" && statement.Sid == "NeverCreateIdentitiesOrChangeTrust"]), "iam:CreateRole")
    ])
    error_message = "Creating roles and changing trust must be denied outright."
  }

  # The workload roles are bootstrap's.
  assert {
    condition     = toset(keys(aws_iam_role.workload)) == toset([for pair in setproduct(["staging", "production"], [{{ '"execution", "task", "flow_logs", "database_monitoring"' if 'postgresql' in cookiecutter.database else '"execution", "task", "flow_logs"' }}]) : join("/", pair)])
    error_message = "Bootstrap creates every role an environment's stack runs as."
  }

  assert {
    condition = alltrue([
      for key, role in aws_iam_role.workload :
      role.path == "/{{ cookiecutter.project_slug }}/${split("/", key)[0]}/" && jsondecode(role.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    ])
    error_message = "Workload roles live under their environment's path and trust their service on this account's behalf only."
  }

  assert {
    condition     = alltrue([for environment, boundary in aws_iam_policy.workload_boundary : boundary.name == "{{ cookiecutter.project_slug }}-${environment}-workload-boundary" && !strcontains(boundary.policy, "iam:")])
    error_message = "Each environment's boundary must exist under the name the stack refers to, and allow nothing in IAM."
  }

  assert {
    condition     = !strcontains(aws_iam_policy.workload_boundary["staging"].policy, "\"logs:*\"") && !strcontains(aws_iam_policy.workload_boundary["staging"].policy, "log-group:*")
    error_message = "The boundary names the environment's log groups, not all of them."
  }

  # An environment cannot reach another.
  assert {
    condition = alltrue(flatten([
      for environment, policy in merge(
        { for environment in ["staging", "production"] : environment => aws_iam_policy.deploy["${environment}/guardrails"].policy },
        { for environment, boundary in aws_iam_policy.workload_boundary : environment => boundary.policy },
        ) : [
        for key in ["aws:ResourceTag/Environment", "aws:RequestTag/Environment"] :
        length([
          for statement in jsondecode(policy).Statement : statement
          if statement.Effect == "Deny" && statement.Action == "*" && try(statement.Condition.StringNotEquals[key], "") == environment && try(statement.Condition.Null[key], "") == "false"
        ]) == 1
      ]
    ]))
    error_message = "Deploy roles and the roles they use must be denied everything on, and creating, resources tagged for another environment."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] :
      [
        for statement in jsondecode(aws_iam_policy.deploy["${environment}/guardrails"].policy).Statement :
        [statement.Effect, toset(statement.NotAction), statement.Resource, statement.Condition]
        if statement.Sid == "OnlyUseTheSharedKey"
        ] == [[
          "Deny",
          toset(["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]),
          "arn:aws:kms:{{ cookiecutter.aws_region }}:123456789012:key/*",
          { "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = "alias/{{ cookiecutter.project_slug }}-bootstrap" } },
      ]]
    ])
    error_message = "Deploy roles may only use the shared key: tagging it, granting on it or changing it would let one environment lock out the other."
  }
{% if cookiecutter.https == 'acm-route53' %}

  # DNS: each environment changes only its own records.
  assert {
    condition = alltrue([
      for environment, domain in { staging = "staging.{{ cookiecutter.domain_name }}", production = "{{ cookiecutter.domain_name }}" } :
      one([for statement in jsondecode(aws_iam_policy.deploy["${environment}/dns"].policy).Statement : statement if statement.Sid == "ChangeOnlyThisEnvironmentsRecords"]) == {
        Sid      = "ChangeOnlyThisEnvironmentsRecords"
        Effect   = "Allow"
        Action   = "route53:ChangeResourceRecordSets"
        Resource = "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"
        Condition = {
          "ForAllValues:StringLike"   = { "route53:ChangeResourceRecordSetsNormalizedRecordNames" = [domain, "_????????????????????????????????.${domain}"] }
          "ForAllValues:StringEquals" = { "route53:ChangeResourceRecordSetsRecordTypes" = [{{ '"A", "AAAA", "CNAME"' if cookiecutter.cdn == 'yes' else '"A", "CNAME"' }}] }
        }
      }
    ])
    error_message = "Each environment may change only its own host name and its certificates' validation record in the zone."
  }
{% endif %}
{% if cookiecutter.waf == 'yes' %}

  # The firewall logs only where its environments log.
  assert {
    condition = [for statement in jsondecode(aws_cloudwatch_log_resource_policy.waf_logs.policy_document).Statement : [statement.Principal, toset(statement.Action), toset(statement.Resource)]] == [[
      { Service = "delivery.logs.amazonaws.com" },
      toset(["logs:CreateLogStream", "logs:PutLogEvents"]),
      toset([for environment in ["staging", "production"] : "arn:aws:logs:{{ 'us-east-1' if cookiecutter.cdn == 'yes' else cookiecutter.aws_region }}:123456789012:log-group:aws-waf-logs-{{ cookiecutter.project_slug }}-${environment}:log-stream:*"]),
    ]]
    error_message = "Log delivery may write the environments' firewall log groups and no other."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] : alltrue([
        for statement in jsondecode(aws_iam_policy.deploy["${environment}/waf"].policy).Statement :
        contains(flatten([statement.Resource]), "arn:aws:wafv2:{{ 'us-east-1:123456789012:global' if cookiecutter.cdn == 'yes' else cookiecutter.aws_region ~ ':123456789012:regional' }}/webacl/{{ cookiecutter.project_slug }}-${environment}/*") || statement.Resource == "*" || startswith(flatten([statement.Resource])[0], "arn:aws:logs:")
      ])
    ])
    error_message = "Each deploy role's firewall permissions name its own environment's web ACL."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] : length([
        for statement in jsondecode(aws_iam_policy.deploy["${environment}/guardrails"].policy).Statement : statement
        if statement.Effect == "Deny" && contains(flatten([try(statement.Action, [])]), "logs:PutResourcePolicy")
      ]) == 1
    ])
    error_message = "No deploy role may change the account's log resource policies (the firewall's is bootstrap's)."
  }
{% endif %}
{% if cookiecutter.events == 'yes' %}

  # The event logs take events only from their environment's rules.
  assert {
    condition = toset([for statement in jsondecode(aws_cloudwatch_log_resource_policy.event_logs.policy_document).Statement : [statement.Principal, toset(statement.Action), flatten([statement.Resource]), flatten([statement.Condition.ArnEquals["aws:SourceArn"]])]]) == toset([
      for environment in ["staging", "production"] : [
        { Service = "events.amazonaws.com" },
        toset(["logs:CreateLogStream", "logs:PutLogEvents"]),
        ["arn:aws:logs:{{ cookiecutter.aws_region }}:123456789012:log-group:/aws/events/{{ cookiecutter.project_slug }}-${environment}:log-stream:*"],
        ["arn:aws:events:{{ cookiecutter.aws_region }}:123456789012:rule/{{ cookiecutter.project_slug }}-${environment}/{{ cookiecutter.project_slug }}-${environment}-event-log"],
      ]
    ])
    error_message = "EventBridge may write each environment's event log from that environment's rule only, and nothing else."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] : alltrue([
        for statement in jsondecode(aws_iam_policy.deploy["${environment}/events"].policy).Statement : alltrue([
          for resource in flatten([statement.Resource]) : resource == "*" || strcontains(resource, "{{ cookiecutter.project_slug }}-${environment}")
        ])
      ])
    ])
    error_message = "Each deploy role's event permissions name its own environment's bus, rule, archive, queue and log groups."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] : contains([
        for statement in jsondecode(aws_iam_policy.workload_boundary[environment].policy).Statement : flatten([statement.Resource])
        if contains(flatten([statement.Action]), "events:PutEvents")
      ], ["arn:aws:events:{{ cookiecutter.aws_region }}:123456789012:event-bus/{{ cookiecutter.project_slug }}-${environment}"])
    ])
    error_message = "The workload roles may publish on their own environment's bus only."
  }
{% endif %}
{% if cookiecutter.object_storage == 'yes' %}

  # Each environment keeps and fills its own bucket only.
  assert {
    condition = alltrue([
      for environment in ["staging", "production"] : alltrue([
        for statement in jsondecode(aws_iam_policy.deploy["${environment}/storage"].policy).Statement :
        flatten([statement.Resource]) == ["arn:aws:s3:::{{ cookiecutter.project_slug }}-${environment}-assets-123456789012"]
      ])
    ])
    error_message = "Each deploy role's bucket permissions name its own environment's bucket, and nothing in it."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] : contains([
        for statement in jsondecode(aws_iam_policy.workload_boundary[environment].policy).Statement : flatten([statement.Resource])
        if contains(flatten([statement.Action]), "s3:PutObject")
      ], ["arn:aws:s3:::{{ cookiecutter.project_slug }}-${environment}-assets-123456789012/items/*"])
    ])
    error_message = "The workload roles may put the items' files in their own environment's bucket only."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] : [
        for statement in jsondecode(aws_iam_policy.deploy["${environment}/guardrails"].policy).Statement : statement.Resource
        if statement.Effect == "Deny" && contains(flatten([try(statement.Action, [])]), "s3:PutBucketTagging")
      ] == ["arn:aws:s3:::{{ cookiecutter.project_slug }}-tfstate-123456789012"]
    ])
    error_message = "The deploy roles tag their own bucket, never the state bucket."
  }
{% endif %}
{% if cookiecutter.cdn == 'yes' %}

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] : alltrue([
        for statement in jsondecode(aws_iam_policy.deploy["${environment}/cdn"].policy).Statement :
        try(statement.Condition.StringEquals["aws:RequestTag/Environment"], statement.Condition.StringEquals["aws:ResourceTag/Environment"]) == environment
        if length([for action in flatten([statement.Action]) : action if startswith(action, "cloudfront:")]) > 0
      ])
    ])
    error_message = "Each deploy role may create only distributions tagged with its environment, and change only those."
  }

  assert {
    condition = alltrue([
      for environment in ["staging", "production"] :
      one([for statement in jsondecode(aws_iam_policy.deploy["${environment}/cdn"].policy).Statement : statement.Resource if statement.Sid == "ChangeTheRuleThatAdmitsCloudFront"]) == [
        "arn:aws:elasticloadbalancing:{{ cookiecutter.aws_region }}:123456789012:listener/*/{{ cookiecutter.project_slug }}-${environment}/*",
        "arn:aws:elasticloadbalancing:{{ cookiecutter.aws_region }}:123456789012:listener-rule/*/{{ cookiecutter.project_slug }}-${environment}/*",
      ]
    ])
    error_message = "Each deploy role may change the listener rules of its own load balancer only."
  }
{% endif %}
}

run "the_repository_keeps_as_many_images_as_asked" {
  command = plan

  variables {
    ecr_images_to_keep = 10
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.app.policy).rules[2].selection.countNumber == 10
    error_message = "ecr_images_to_keep must set how many images no environment ran the repository keeps."
  }
}

run "too_few_images_to_roll_back_to_are_refused" {
  command = plan

  variables {
    ecr_images_to_keep = 4
  }

  expect_failures = [var.ecr_images_to_keep]
}

# Once `make github` has recorded the repository's ID (github.auto.tfvars) and set its subject
# template, the roles trust the ID and the deploy workflow, not a name anyone could take.
run "with_the_repository_id_the_roles_trust_it_and_the_deploy_workflow" {
  command = plan

  variables {
    github_repository_id = 123456789
  }

  assert {
    condition     = jsondecode(aws_iam_role.image_publisher.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repository_id:123456789:ref:refs/heads/main:job_workflow_ref:{{ cookiecutter.github_repository }}/.github/workflows/deploy.yml@refs/heads/main"
    error_message = "The publisher must trust the deploy workflow's build job on main of the repository with that ID."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy["staging"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repository_id:123456789:environment:staging:job_workflow_ref:{{ cookiecutter.github_repository }}/.github/workflows/deploy.yml@refs/heads/main"
    error_message = "Staging must trust the deploy workflow on main, in the staging environment, of the repository with that ID."
  }

  assert {
    condition = jsondecode(aws_iam_role.deploy["production"].assume_role_policy).Statement[0].Condition == {
      StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
      StringLike   = { "token.actions.githubusercontent.com:sub" = "repository_id:123456789:environment:production:job_workflow_ref:{{ cookiecutter.github_repository }}/.github/workflows/deploy.yml@refs/tags/v*" }
    }
    error_message = "Production must trust the deploy workflow on a v* tag, in the production environment, of the repository with that ID."
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
