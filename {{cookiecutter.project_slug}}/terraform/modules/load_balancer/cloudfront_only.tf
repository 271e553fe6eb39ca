# CloudFront is the only way in: the security group admits only CloudFront's origin-facing
# addresses, and the listener forwards only requests that carry the origin secret
# (modules/cdn), so that another CloudFront distribution cannot reach the tasks either.
# Anything else gets a 403.

data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_vpc_security_group_ingress_rule" "cloudfront" {
{% if cookiecutter.https == 'off' %}
  # checkov:skip=CKV_AWS_260: port 80 admits CloudFront's origin-facing addresses only, not the internet
{% endif %}
  # The prefix list counts as about 55 rules against the security group's quota of 60.
  security_group_id = aws_security_group.this.id
  description       = "{{ 'HTTP' if cookiecutter.https == 'off' else 'HTTPS' }} from CloudFront's origin-facing servers"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
  ip_protocol       = "tcp"
  from_port         = {{ 80 if cookiecutter.https == 'off' else 443 }}
  to_port           = {{ 80 if cookiecutter.https == 'off' else 443 }}
}

resource "aws_lb_listener" "{{ 'http' if cookiecutter.https == 'off' else 'https' }}" {
{% if cookiecutter.https == 'off' %}
  # checkov:skip=CKV_AWS_2: HTTPS was turned off when this service was generated
  # checkov:skip=CKV_AWS_103: no TLS on a plain HTTP listener
{% endif %}
  load_balancer_arn = aws_lb.this.arn
  port              = {{ 80 if cookiecutter.https == 'off' else 443 }}
  protocol          = "{{ 'HTTP' if cookiecutter.https == 'off' else 'HTTPS' }}"
{% if cookiecutter.https != 'off' %}
  ssl_policy        = var.ssl_policy
  certificate_arn   = {{ 'aws_acm_certificate_validation.this.certificate_arn' if cookiecutter.https == 'acm-route53' else 'var.certificate_arn' }}
{% endif %}

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      message_body = jsonencode({ detail = "Reach this service through its CloudFront distribution" })
      status_code  = "403"
    }
  }
}

resource "aws_lb_listener_rule" "cloudfront" {
  listener_arn = aws_lb_listener.{{ 'http' if cookiecutter.https == 'off' else 'https' }}.arn
  priority     = 1

  condition {
    http_header {
      http_header_name = var.origin_secret_header
      values           = var.origin_secrets
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

locals {
  # What outputs.tf publishes: what forwards to the targets, and that clients use HTTPS
  # (CloudFront redirects plain HTTP).
  forwarding_listener = aws_lb_listener_rule.cloudfront
  serves_https        = true
}
