provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project    = var.project
      Repository = var.github_repository
      ManagedBy  = "terraform"
    }
  }
}
