output "security_group_id" {
  description = "ID of the load balancer's security group: the only source the tasks accept."
  value       = aws_security_group.this.id
}

output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer, for CloudWatch metrics and request-count scaling."
  value       = aws_lb.this.arn_suffix
}

output "serves_https" {
  description = "Whether clients reach the service over HTTPS only (plain HTTP only redirects)."
  value       = local.serves_https
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone ID of the load balancer's DNS name, for alias records."
  value       = aws_lb.this.zone_id
}

output "target_group_arn" {
  description = "ARN of the target group the service registers its tasks in."
  value       = aws_lb_target_group.this.arn

  # ECS refuses a target group that no listener forwards to yet.
  depends_on = [local.forwarding_listener]
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group, for CloudWatch metrics and request-count scaling."
  value       = aws_lb_target_group.this.arn_suffix
}

{% if cookiecutter.cdn == 'no' %}
output "url" {
  description = "Base URL of the service."
  value       = local.url
}
{% endif %}
{% if cookiecutter.cdn == 'yes' %}
output "cloudfront_origin_dns_name" {
  description = "DNS name of the load balancer once its listener accepts the origin secrets: CloudFront sends a new secret only after the load balancer takes it."
  value       = aws_lb.this.dns_name

  depends_on = [aws_lb_listener_rule.cloudfront]
}
{% endif %}
