provider "aws" {
  region = var.aws_region

  # Every resource is tagged with where it comes from, for cost reports and for whoever finds
  # it in the console.
  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      Repository  = var.repository
      ManagedBy   = "terraform"
    }
  }
}
