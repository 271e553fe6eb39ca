locals {
  # Every resource is tagged with where it comes from, for cost reports and for whoever finds
  # it in the console.
  default_tags = {
    Project     = var.project
    Environment = var.environment
    Repository  = var.repository
    ManagedBy   = "terraform"
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.default_tags
  }
}
{% if cookiecutter.cdn == 'yes' %}

{% if cookiecutter.waf == 'yes' %}
# CloudFront takes its certificates and web ACLs from us-east-1 only, whatever the region.
{% endif %}
{% if cookiecutter.waf == 'no' %}
# CloudFront takes its certificates from us-east-1 only, whatever the region.
{% endif %}
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}
{% endif %}
