output "distribution_id" {
  description = "ID of the CloudFront distribution, for invalidations."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_domain_name" {
  description = "CloudFront's DNS name of the distribution{% if cookiecutter.https == 'acm-existing' %}: point domain_name at it{% endif %}."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "url" {
  description = "Base URL of the service."
  value       = {{ '"https://${var.domain_name}"' if cookiecutter.https != 'off' else '"https://${aws_cloudfront_distribution.this.domain_name}"' }}
}

output "origin_secret_header" {
  description = "Name of the header that carries the origin secret."
  value       = local.origin_secret_header
}

output "origin_secrets" {
  description = "The origin secret values the load balancer accepts: this month's, which CloudFront sends, and the previous month's."
  value       = [local.origin_secrets.current, local.origin_secrets.previous]
  sensitive   = true
}
