# Port 80 only redirects to HTTPS; port 443 terminates TLS and forwards to the tasks.

resource "aws_vpc_security_group_ingress_rule" "http" {
  # checkov:skip=CKV_AWS_260: a public load balancer; port 80 only answers with a redirect to HTTPS
  security_group_id = aws_security_group.this.id
  description       = "HTTP from the internet, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS from the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = {{ 'aws_acm_certificate_validation.this.certificate_arn' if cookiecutter.https == 'acm-route53' else 'var.certificate_arn' }}

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}

locals {
  # What outputs.tf publishes: the listener that forwards to the targets, and where clients go.
  forwarding_listener = aws_lb_listener.https
  url                 = "https://${var.domain_name}"
  serves_https        = true
}
