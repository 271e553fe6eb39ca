terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Local state: this configuration creates the bucket every other state lives in. Keep
  # terraform.tfstate safe (or move it into that bucket, see README.md).
}
