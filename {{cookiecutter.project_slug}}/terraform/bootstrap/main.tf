# Run once per AWS account, before the first deploy (`make bootstrap`). It creates what the
# environments share and what no deploy may change:
#   kms.tf              the key of the state and the images
#   state_bucket.tf     the Terraform state bucket
#   ecr.tf              the image repository and the build's layer cache
#   github_oidc.tf      GitHub's OIDC provider and the job subjects each role trusts
#   image_publisher.tf  the role that builds and pushes images, from main only
#   workload_roles.tf   per environment: the roles its tasks and services run as, and their boundary
#   deploy_roles.tf     per environment: the role that applies its Terraform, and its limits
#   deploy_*.tf         the deploy roles' permissions for the optional parts of the stack

data "aws_caller_identity" "current" {}

# Names every environment shares (the state bucket, the repositories, the publisher role).
module "names" {
  source = "../modules/naming"

  project    = var.project
  account_id = local.account_id
  aws_region = var.aws_region
}

module "environment_names" {
  source   = "../modules/naming"
  for_each = var.environments

  project     = var.project
  environment = each.key
  account_id  = local.account_id
  aws_region  = var.aws_region
{% if cookiecutter.https == 'acm-route53' %}
  domain_name = var.domain_name
{% endif %}
}

locals {
  account_id = data.aws_caller_identity.current.account_id

  # ARN prefixes of the regional services the policies name.
  arn = {
    ec2     = "arn:aws:ec2:${var.aws_region}:${local.account_id}"
    ecs     = "arn:aws:ecs:${var.aws_region}:${local.account_id}"
    elb     = "arn:aws:elasticloadbalancing:${var.aws_region}:${local.account_id}"
    kms     = "arn:aws:kms:${var.aws_region}:${local.account_id}"
    logs    = "arn:aws:logs:${var.aws_region}:${local.account_id}"
    secrets = "arn:aws:secretsmanager:${var.aws_region}:${local.account_id}"
{% if 'postgresql' in cookiecutter.database %}
    # The database.
    rds = "arn:aws:rds:${var.aws_region}:${local.account_id}"
{% endif %}
  }
}
