locals {
  default_tags = {
    Project    = var.project
    Repository = var.github_repository
    ManagedBy  = "terraform"
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.default_tags
  }
}
{% if cookiecutter.cdn == 'yes' and cookiecutter.waf == 'yes' %}

# CloudFront's web ACLs log in us-east-1, whatever the region.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}
{% endif %}
