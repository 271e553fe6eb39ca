output "aws_region" {
  description = "Region of the state bucket and the ECR repositories."
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
  description = "URL of the ECR repository the image publisher pushes the service image to."
  value       = aws_ecr_repository.app.repository_url
}

output "build_cache_repository_url" {
  description = "URL of the ECR repository of the image build's layer cache (the image publisher's only)."
  value       = aws_ecr_repository.build_cache.repository_url
}

output "github_oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider the roles trust."
  value       = local.github_oidc_provider_arn
}

output "github_subjects" {
  description = "The OIDC subject (sub claim) each role trusts: image_publisher, and one per environment."
  value       = local.github_subjects
}

output "image_publisher_role_arn" {
  description = "ARN of the role the deploy workflow's build job assumes: the repository variable AWS_PUBLISHER_ROLE_ARN."
  value       = aws_iam_role.image_publisher.arn
}

output "deploy_role_arns" {
  description = "ARN of the deploy role of each environment: the AWS_ROLE_ARN variable of the GitHub environment of the same name."
  value       = { for environment, role in aws_iam_role.deploy : environment => role.arn }
}

output "shell_policy_arns" {
  description = "ARN of each environment's shell policy: attach it to the people who may open a shell in its tasks (make shell)."
  value       = { for environment, policy in aws_iam_policy.shell : environment => policy.arn }
}

output "workload_role_arns" {
  description = "ARNs of each environment's workload roles, by environment and purpose."
  value       = { for key, role in aws_iam_role.workload : key => role.arn }
}
