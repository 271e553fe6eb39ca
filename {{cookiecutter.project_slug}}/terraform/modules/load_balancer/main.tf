{% if cookiecutter.https == 'off' %}
# A public Application Load Balancer serving HTTP on port 80 and forwarding to the tasks.
{% else %}
# A public Application Load Balancer: port 80 only redirects to HTTPS, port 443 terminates TLS
# and forwards to the tasks.
{% endif %}

resource "aws_security_group" "this" {
  # A prefix, not a name: create_before_destroy needs the replacement to have another name.
  name_prefix = "${var.name}-alb-"
  description = "Load balancer of ${var.name}: the internet in, the tasks out"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-alb"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "http" {
{% if cookiecutter.https == 'off' %}
  # checkov:skip=CKV_AWS_260: a public load balancer; with HTTPS off, port 80 is how clients reach the service
{% else %}
  # checkov:skip=CKV_AWS_260: a public load balancer; port 80 only answers with a redirect to HTTPS
{% endif %}
  security_group_id = aws_security_group.this.id
{% if cookiecutter.https == 'off' %}
  description       = "HTTP from the internet"
{% else %}
  description       = "HTTP from the internet, redirected to HTTPS"
{% endif %}
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}
{% if cookiecutter.https != 'off' %}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS from the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
{% endif %}

# Targets are task IPs inside the VPC: the load balancer needs no other way out.
resource "aws_vpc_security_group_egress_rule" "targets" {
  security_group_id = aws_security_group.this.id
  description       = "To the tasks on the application port"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = var.target_port
  to_port           = var.target_port
}

resource "aws_lb" "this" {
{% if cookiecutter.https == 'off' %}
  # checkov:skip=CKV2_AWS_20: HTTPS was turned off when this service was generated: there is no HTTPS listener to redirect to
{% endif %}
  # checkov:skip=CKV2_AWS_28: WAF is a per-service cost and rule-set decision; attach a web ACL to this load balancer when the service needs one
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.this.id]
  subnets            = var.public_subnet_ids

  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = var.idle_timeout

  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]

    content {
      bucket  = access_logs.value
      prefix  = var.name
      enabled = true
    }
  }
}

resource "aws_lb_target_group" "this" {
{% if cookiecutter.https == 'off' %}
  # checkov:skip=CKV_AWS_378: HTTPS is off, so the whole path is plain HTTP; the hop to the targets never leaves the VPC
{% endif %}
  name        = var.name
  vpc_id      = var.vpc_id
  target_type = "ip"
  protocol    = "HTTP"
  port        = var.target_port

  # Long enough for in-flight requests to finish, short enough that a deploy does not wait
  # the default five minutes per task.
  deregistration_delay = var.deregistration_delay

  # Liveness, not readiness: when a dependency fails, the load balancer must not drop every
  # task and ECS replace them all in a loop.
  health_check {
    path                = var.health_check_path
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}
{% if cookiecutter.https == 'off' %}

resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2: HTTPS was turned off when this service was generated
  # checkov:skip=CKV_AWS_103: no TLS on a plain HTTP listener
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}
{% else %}

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
{% if cookiecutter.https == 'acm-route53' %}
  certificate_arn   = aws_acm_certificate_validation.this.certificate_arn
{% else %}
  certificate_arn   = var.certificate_arn
{% endif %}

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}

# The certificate is validated through a DNS record in the hosted zone; ACM renews it the
# same way for as long as the record stays.
data "aws_route53_zone" "this" {
  name         = var.route53_zone
  private_zone = false
}

resource "aws_acm_certificate" "this" {
  domain_name       = var.domain_name
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "certificate_validation" {
  zone_id         = data.aws_route53_zone.this.zone_id
  name            = one(aws_acm_certificate.this.domain_validation_options).resource_record_name
  type            = one(aws_acm_certificate.this.domain_validation_options).resource_record_type
  records         = [one(aws_acm_certificate.this.domain_validation_options).resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [aws_route53_record.certificate_validation.fqdn]
}

resource "aws_route53_record" "alias" {
  zone_id = data.aws_route53_zone.this.zone_id
  name    = var.domain_name
  type    = "A"

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}
{% endif %}
