terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Partial configuration: environments/<env>.backend.hcl holds the state key and settings,
  # and `terraform init` is given the account's state bucket (created by bootstrap/) with
  # -backend-config="bucket=...". State is locked with a lock file next to it in S3.
  backend "s3" {}
}
