# A public Application Load Balancer in front of the tasks: its security group, the load
# balancer and the target group the service registers in. The listeners and the ingress they
# need are in {{ 'cloudfront_only.tf' if cookiecutter.cdn == 'yes' else 'http_only.tf' if cookiecutter.https == 'off' else 'https.tf' }}.

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
{% if cookiecutter.waf == 'yes' %}
  # checkov:skip=CKV2_AWS_28: the web ACL is modules/waf's, attached where waf_enabled is true (production's example): a scan of this module cannot see it
{% endif %}
{% if cookiecutter.waf == 'no' %}
  # checkov:skip=CKV2_AWS_28: WAF is a per-service cost and rule-set decision; attach a web ACL to this load balancer when the service needs one
{% endif %}
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
{% if cookiecutter.https != 'off' and cookiecutter.cdn == 'yes' %}
  # checkov:skip=CKV_AWS_378: TLS ends at the load balancer; the hop to the targets never leaves the VPC
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
    interval            = var.health_check_interval
    timeout             = var.health_check_timeout
    healthy_threshold   = var.health_check_healthy_threshold
    unhealthy_threshold = var.health_check_unhealthy_threshold
  }
}
