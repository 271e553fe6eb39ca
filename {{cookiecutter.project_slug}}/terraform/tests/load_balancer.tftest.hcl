# Plan-only tests of modules/load_balancer against a mocked AWS provider.

mock_provider "aws" {
  override_during = plan
}

variables {
  name              = "{{ cookiecutter.project_slug }}-test"
  vpc_id            = "vpc-0a1b2c3d4e5f60718"
  vpc_cidr_block    = "10.10.0.0/16"
  public_subnet_ids = ["subnet-0a1b2c3d4e5f60718", "subnet-1a2b3c4d5e6f70819"]
{% if cookiecutter.https != 'off' %}
  domain_name       = "{{ cookiecutter.domain_name }}"
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}
  route53_zone      = "{{ cookiecutter.route53_zone }}"
{% endif %}
{% if cookiecutter.https == 'acm-existing' %}
  certificate_arn   = "{{ cookiecutter.certificate_arn }}"
{% endif %}
{% if cookiecutter.cdn == 'yes' %}

  origin_secret_header = "X-Origin-Secret"
  origin_secrets       = ["{{ 'a' * 64 }}", "{{ 'b' * 64 }}"]
{% endif %}
}

run "hardened_load_balancer_and_target_group" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  assert {
    condition     = !aws_lb.this.internal && aws_lb.this.load_balancer_type == "application"
    error_message = "Expected a public Application Load Balancer."
  }

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && aws_lb.this.enable_deletion_protection
    error_message = "The load balancer must drop invalid header fields and be protected from deletion by default."
  }

  assert {
    condition     = length(aws_lb.this.access_logs) == 0
    error_message = "Access logs stay off until a bucket is given."
  }

  assert {
    condition     = aws_lb_target_group.this.target_type == "ip" && aws_lb_target_group.this.port == 8000
    error_message = "Fargate tasks register by IP on the application port 8000."
  }

  assert {
    condition     = aws_lb_target_group.this.health_check[0].path == "/health" && aws_lb_target_group.this.health_check[0].matcher == "200"
    error_message = "The target group must health-check the liveness endpoint GET /health."
  }

  assert {
    condition     = aws_lb_target_group.this.deregistration_delay == "30"
    error_message = "The deregistration delay must be tuned down from the five-minute default."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.targets.cidr_ipv4 == "10.10.0.0/16" && aws_vpc_security_group_egress_rule.targets.from_port == 8000 && aws_vpc_security_group_egress_rule.targets.to_port == 8000
    error_message = "The load balancer may only send to the VPC on the application port."
  }
}

{% if cookiecutter.cdn == 'yes' %}
run "only_cloudfront_with_the_origin_secret_reaches_the_tasks" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  assert {
    condition     = data.aws_ec2_managed_prefix_list.cloudfront.name == "com.amazonaws.global.cloudfront.origin-facing"
    error_message = "The load balancer admits CloudFront's origin-facing addresses."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.cloudfront.prefix_list_id == data.aws_ec2_managed_prefix_list.cloudfront.id && aws_vpc_security_group_ingress_rule.cloudfront.cidr_ipv4 == null && aws_vpc_security_group_ingress_rule.cloudfront.from_port == {{ 80 if cookiecutter.https == 'off' else 443 }} && aws_vpc_security_group_ingress_rule.cloudfront.to_port == {{ 80 if cookiecutter.https == 'off' else 443 }}
    error_message = "Only CloudFront may reach the listener's port, and nothing else may reach any port."
  }

  assert {
    condition     = aws_lb_listener.{{ 'http' if cookiecutter.https == 'off' else 'https' }}.default_action[0].type == "fixed-response" && aws_lb_listener.{{ 'http' if cookiecutter.https == 'off' else 'https' }}.default_action[0].fixed_response[0].status_code == "403"
    error_message = "A request without the origin secret gets a 403."
  }

  assert {
    condition     = one(one(aws_lb_listener_rule.cloudfront.condition).http_header).http_header_name == "X-Origin-Secret" && toset(one(one(aws_lb_listener_rule.cloudfront.condition).http_header).values) == toset(["{{ 'a' * 64 }}", "{{ 'b' * 64 }}"])
    error_message = "Only the origin secrets, in its header, open the way to the tasks."
  }

  assert {
    condition     = one(aws_lb_listener_rule.cloudfront.action).type == "forward" && aws_lb_listener_rule.cloudfront.priority == 1
    error_message = "A request with the origin secret goes to the tasks."
  }
{% if cookiecutter.https != 'off' %}

  assert {
    condition     = aws_lb_listener.https.protocol == "HTTPS" && aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "CloudFront's hop to the load balancer stays on TLS 1.2 or 1.3."
  }
{% endif %}
}

run "a_short_origin_secret_is_refused" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  variables {
    origin_secrets = ["guessable"]
  }

  expect_failures = [var.origin_secrets]
}
{% elif cookiecutter.https == 'off' %}
run "http_listener_forwards_to_the_tasks" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  assert {
    condition     = aws_lb_listener.http.port == 80 && aws_lb_listener.http.protocol == "HTTP"
    error_message = "Expected an HTTP listener on port 80."
  }

  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "forward"
    error_message = "With HTTPS off, the HTTP listener forwards to the target group."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.http.from_port == 80 && aws_vpc_security_group_ingress_rule.http.cidr_ipv4 == "0.0.0.0/0"
    error_message = "The internet must reach port 80."
  }
}
{% else %}
run "http_redirects_to_https" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  assert {
    condition     = aws_lb_listener.http.port == 80 && aws_lb_listener.http.default_action[0].type == "redirect"
    error_message = "The HTTP listener must only redirect."
  }

  assert {
    condition = (
      aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" &&
      aws_lb_listener.http.default_action[0].redirect[0].port == "443" &&
      aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301"
    )
    error_message = "HTTP must redirect permanently to HTTPS on port 443."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.https.from_port == 443 && aws_vpc_security_group_ingress_rule.https.cidr_ipv4 == "0.0.0.0/0"
    error_message = "The internet must reach port 443."
  }
}

run "https_listener_with_tls13" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  assert {
    condition     = aws_lb_listener.https.port == 443 && aws_lb_listener.https.protocol == "HTTPS"
    error_message = "Expected an HTTPS listener on port 443."
  }

  assert {
    condition     = aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "The HTTPS listener must use a TLS 1.3 security policy."
  }

  assert {
    condition     = aws_lb_listener.https.default_action[0].type == "forward"
    error_message = "The HTTPS listener forwards to the target group."
  }
{% if cookiecutter.https == 'acm-existing' %}

  assert {
    condition     = aws_lb_listener.https.certificate_arn == "{{ cookiecutter.certificate_arn }}"
    error_message = "The HTTPS listener must serve the existing certificate."
  }
{% endif %}
}
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}

run "certificate_validated_in_route53{{ '' if cookiecutter.cdn == 'yes' else '_and_alias_record' }}" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  assert {
    condition     = aws_acm_certificate.this.domain_name == "{{ cookiecutter.domain_name }}" && aws_acm_certificate.this.validation_method == "DNS"
    error_message = "Expected a DNS-validated certificate for {{ cookiecutter.domain_name }}."
  }

  assert {
    condition     = data.aws_route53_zone.this.name == "{{ cookiecutter.route53_zone }}" && !data.aws_route53_zone.this.private_zone
    error_message = "The certificate must be validated in the public zone {{ cookiecutter.route53_zone }}."
  }
{% if cookiecutter.cdn == 'no' %}

  assert {
    condition     = aws_route53_record.alias.name == "{{ cookiecutter.domain_name }}" && aws_route53_record.alias.type == "A"
    error_message = "{{ cookiecutter.domain_name }} must be an alias of the load balancer."
  }
{% endif %}
}
{% endif %}

run "access_logs_when_a_bucket_is_given" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  variables {
    access_logs_bucket = "{{ cookiecutter.project_slug }}-alb-logs"
  }

  assert {
    condition     = aws_lb.this.access_logs[0].enabled && aws_lb.this.access_logs[0].bucket == "{{ cookiecutter.project_slug }}-alb-logs"
    error_message = "Access logs must go to the given bucket."
  }
}

run "health_check_port_and_idle_timeout_come_from_the_variables" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  variables {
    target_port                      = 8080
    idle_timeout                     = 120
    health_check_path                = "/healthz"
    health_check_interval            = 30
    health_check_timeout             = 10
    health_check_healthy_threshold   = 3
    health_check_unhealthy_threshold = 5
  }

  assert {
    condition     = aws_lb_target_group.this.health_check[0].path == "/healthz" && aws_lb_target_group.this.health_check[0].interval == 30 && aws_lb_target_group.this.health_check[0].timeout == 10 && aws_lb_target_group.this.health_check[0].healthy_threshold == 3 && aws_lb_target_group.this.health_check[0].unhealthy_threshold == 5
    error_message = "The target group's health check must use the given path, interval, timeout and thresholds."
  }

  assert {
    condition     = aws_lb_target_group.this.port == 8080 && aws_vpc_security_group_egress_rule.targets.from_port == 8080 && aws_lb.this.idle_timeout == 120
    error_message = "The load balancer must forward to the given port and keep idle connections the given time."
  }
}

run "a_health_check_timeout_as_long_as_its_interval_is_refused" {
  command = plan

  module {
    source = "./modules/load_balancer"
  }

  variables {
    health_check_interval = 10
    health_check_timeout  = 10
  }

  expect_failures = [var.health_check_timeout]
}
