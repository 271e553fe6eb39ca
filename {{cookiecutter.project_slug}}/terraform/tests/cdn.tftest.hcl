# Tests of modules/cdn against a mocked AWS provider, applied: the origin secret comes from a
# random seed, which only an apply knows.

mock_provider "aws" {}
{% if cookiecutter.https == 'acm-route53' %}

# What ACM gives back, which the mock would make up or leave out.
override_resource {
  target = aws_acm_certificate.this
  values = {
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/8f6b1c2e-3d4a-4b5c-9e7f-0a1b2c3d4e5f"
    domain_validation_options = [{
      domain_name           = "{{ cookiecutter.domain_name }}"
      resource_record_name  = "_0a1b2c3d.{{ cookiecutter.domain_name }}."
      resource_record_type  = "CNAME"
      resource_record_value = "_4e5f6071.acm-validations.aws."
    }]
  }
}
{% endif %}

variables {
  name                   = "{{ cookiecutter.project_slug }}-test"
  load_balancer_dns_name = "{{ cookiecutter.project_slug }}-test-0123456789.{{ cookiecutter.aws_region }}.elb.amazonaws.com"
{% if cookiecutter.https != 'off' %}
  domain_name            = "{{ cookiecutter.domain_name }}"
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}
  route53_zone           = "{{ cookiecutter.route53_zone }}"
{% endif %}
{% if cookiecutter.https == 'acm-existing' %}
  certificate_arn        = "{{ cookiecutter.cdn_certificate_arn }}"
{% endif %}
{% if cookiecutter.waf == 'yes' %}
  web_acl_arn            = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/{{ cookiecutter.project_slug }}-test/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
{% endif %}
}

run "the_load_balancer_behind_cloudfront_with_the_origin_secret" {
  module {
    source = "./modules/cdn"
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.origin).domain_name == var.load_balancer_dns_name
    error_message = "CloudFront's one origin is the load balancer."
  }

  assert {
    condition     = one(one(aws_cloudfront_distribution.this.origin).custom_origin_config).origin_protocol_policy == "{{ 'http-only' if cookiecutter.https == 'off' else 'https-only' }}" && one(one(aws_cloudfront_distribution.this.origin).custom_origin_config).origin_ssl_protocols == toset(["TLSv1.2"])
    error_message = "{{ 'With HTTPS off, the load balancer listens on HTTP only.' if cookiecutter.https == 'off' else 'The hop from CloudFront to the load balancer stays on TLS 1.2 or later.' }}"
  }

  assert {
    condition     = one(one(aws_cloudfront_distribution.this.origin).custom_header).name == output.origin_secret_header && one(one(aws_cloudfront_distribution.this.origin).custom_header).value == output.origin_secrets[0]
    error_message = "CloudFront must send the current origin secret, the first the load balancer accepts."
  }

  assert {
    condition     = length(output.origin_secrets) == 2 && alltrue([for secret in output.origin_secrets : can(regex("^[0-9a-f]{64}$", secret))]) && output.origin_secrets[0] != output.origin_secrets[1]
    error_message = "The load balancer accepts two different secrets, this month's and the previous month's, each 256 bits."
  }
}

run "a_second_apply_in_the_month_keeps_the_secret" {
  module {
    source = "./modules/cdn"
  }

  assert {
    condition     = output.origin_secrets == run.the_load_balancer_behind_cloudfront_with_the_origin_secret.origin_secrets
    error_message = "A redeploy within the month must change neither CloudFront nor the load balancer."
  }
}

run "replacing_the_seed_rotates_the_secret" {
  module {
    source = "./modules/cdn"
  }

  plan_options {
    replace = [terraform_data.origin_secret_seed]
  }

  assert {
    condition     = length(setintersection(output.origin_secrets, run.the_load_balancer_behind_cloudfront_with_the_origin_secret.origin_secrets)) == 0
    error_message = "A new seed must make secrets that share nothing with the old ones."
  }
}

run "api_responses_are_cached_only_when_they_say_so" {
  command = plan

  module {
    source = "./modules/cdn"
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.default_cache_behavior).cache_policy_id == "4cc15a8a-d715-48a4-82b8-cc0b614638fe"
    error_message = "The default behaviour must use the managed UseOriginCacheControlHeaders-QueryStrings policy: TTL 0 unless Cache-Control says otherwise, the query string in the key."
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.default_cache_behavior).origin_request_policy_id == "216adef6-5c7f-47e4-b989-5492eafa07d3"
    error_message = "Every viewer header, cookie and query string must reach the app (the managed AllViewer policy)."
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.default_cache_behavior).viewer_protocol_policy == "redirect-to-https" && toset(one(aws_cloudfront_distribution.this.default_cache_behavior).allowed_methods) == toset(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]) && toset(one(aws_cloudfront_distribution.this.default_cache_behavior).cached_methods) == toset(["GET", "HEAD"])
    error_message = "Viewers are sent to HTTPS; every method of the API reaches it, and only GET and HEAD answers may be cached."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.price_class == "PriceClass_100" && aws_cloudfront_distribution.this.enabled
    error_message = "The cheapest price class by default."
  }
{% if cookiecutter.waf == 'yes' %}

  assert {
    condition     = aws_cloudfront_distribution.this.web_acl_id == var.web_acl_arn
    error_message = "The web ACL must filter the distribution's requests."
  }
{% endif %}
}

run "{{ 'cloudfront_serves_its_own_name_with_its_default_certificate' if cookiecutter.https == 'off' else 'cloudfront_serves_the_domain_with_a_us_east_1_certificate' }}" {
  command = plan

  module {
    source = "./modules/cdn"
  }
{% if cookiecutter.https == 'off' %}

  assert {
    condition     = one(aws_cloudfront_distribution.this.viewer_certificate).cloudfront_default_certificate && try(length(aws_cloudfront_distribution.this.aliases), 0) == 0
    error_message = "With HTTPS off, the distribution serves on its cloudfront.net name with CloudFront's certificate."
  }
{% endif %}
{% if cookiecutter.https != 'off' %}

  assert {
    condition     = aws_cloudfront_distribution.this.aliases == toset(["{{ cookiecutter.domain_name }}"])
    error_message = "The distribution must answer for {{ cookiecutter.domain_name }}."
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.viewer_certificate).ssl_support_method == "sni-only" && one(aws_cloudfront_distribution.this.viewer_certificate).minimum_protocol_version == "TLSv1.2_2021"
    error_message = "Viewers get TLS 1.2 or later, by SNI (a dedicated-IP certificate costs $600 a month)."
  }
{% endif %}
{% if cookiecutter.https == 'acm-existing' %}

  assert {
    condition     = one(aws_cloudfront_distribution.this.viewer_certificate).acm_certificate_arn == var.certificate_arn
    error_message = "The distribution must serve the given us-east-1 certificate."
  }
{% endif %}
{% if cookiecutter.https == 'acm-route53' %}

  assert {
    condition     = aws_acm_certificate.this.domain_name == "{{ cookiecutter.domain_name }}" && aws_acm_certificate.this.validation_method == "DNS" && data.aws_route53_zone.this.name == "{{ cookiecutter.route53_zone }}"
    error_message = "CloudFront's certificate for {{ cookiecutter.domain_name }} must be validated in the zone {{ cookiecutter.route53_zone }}."
  }

  assert {
    condition     = toset([for record in aws_route53_record.alias : record.type]) == toset(["A", "AAAA"]) && alltrue([for record in aws_route53_record.alias : record.name == "{{ cookiecutter.domain_name }}"])
    error_message = "{{ cookiecutter.domain_name }} must be an IPv4 and IPv6 alias of the distribution."
  }
{% endif %}
}

run "a_price_class_cloudfront_has_not_is_refused" {
  command = plan

  module {
    source = "./modules/cdn"
  }

  variables {
    price_class = "PriceClass_Cheapest"
  }

  expect_failures = [var.price_class]
}
{% if cookiecutter.https == 'acm-existing' %}

run "a_certificate_outside_us_east_1_is_refused" {
  command = plan

  module {
    source = "./modules/cdn"
  }

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/8f6b1c2e-3d4a-4b5c-9e7f-0a1b2c3d4e5f"
  }

  expect_failures = [var.certificate_arn]
}
{% endif %}
