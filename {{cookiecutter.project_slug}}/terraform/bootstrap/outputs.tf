output "aws_region" {
  description = "Region of the state bucket and the ECR repository."
  value       = var.aws_region
}

output "state_bucket" {
  description = "S3 bucket holding every environment's Terraform state: pass it to terraform init as -backend-config=\"bucket=...\"."
  value       = aws_s3_bucket.state.id
}

output "ecr_repository_name" {
  description = "Name of the ECR repository of the service image."
  value       = aws_ecr_repository.app.name
}

output "ecr_repository_url" {
  description = "URL of the ECR repository to push the service image to."
  value       = aws_ecr_repository.app.repository_url
}

output "build_cache_repository_url" {
  description = "URL of the mutable ECR repository that holds the deploy workflow's buildx layer cache."
  value       = aws_ecr_repository.build_cache.repository_url
}

output "github_oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider the deploy roles trust."
  value       = local.github_oidc_provider_arn
}

output "deploy_role_arns" {
  description = "ARN of the deploy role of each environment: set it as the AWS_ROLE_ARN variable of the GitHub environment of the same name."
  value       = { for environment, role in aws_iam_role.deploy : environment => role.arn }
}
