"""The answer sets the docs show (docs/examples/) generate the systems they describe."""

from __future__ import annotations

import re

import hcl2
import yaml

from harness.rendering import TEMPLATE_ROOT, render

EXAMPLES = TEMPLATE_ROOT / "docs" / "examples"


def test_serverless_orders_is_dynamodb_s3_eventbridge_kms_nat_per_az_autoscaling_cdn_and_waf():
    answers = yaml.safe_load((EXAMPLES / "serverless-orders.yml").read_text())
    result = render({name: str(value) for name, value in answers.items()})
    assert result.returncode == 0, result.stderr
    terraform = result.project / "terraform"

    modules = {path.name for path in (terraform / "modules").iterdir()}
    assert {"table", "object_storage", "events", "cdn", "waf"} <= modules
    assert "database" not in modules, "no RDS beside the table"
    root = (terraform / "main.tf").read_text()
    # The table, the bucket and the bus, each under the environment's key.
    for module in ("table", "object_storage", "events"):
        block = root.split(f'module "{module}" {{', 1)[1].split("\n}", 1)[0]
        assert "kms_key_arn" in block and "aws_kms_key.this.arn" in block, module
    variables = (terraform / "variables.tf").read_text()
    assert re.search(r'variable "nat_gateways" \{[^}]*default\s*=\s*"one-per-az"', variables)
    with (terraform / "environments" / "production.tfvars").open() as tfvars:
        assert hcl2.load(tfvars)["waf_enabled"] is True
    # CloudFront in front, the only way to the load balancer, and the web ACL on CloudFront.
    assert (terraform / "modules" / "load_balancer" / "cloudfront_only.tf").is_file()
    assert not (terraform / "modules" / "load_balancer" / "https.tf").exists()
    cdn = root.split('module "cdn" {', 1)[1].split("\n}", 1)[0]
    assert "web_acl_arn" in cdn and "module.waf[0].web_acl_arn" in cdn
    waf = root.split('module "waf" {', 1)[1].split("\n}", 1)[0]
    assert "aws = aws.us_east_1" in waf and "load_balancer_arn" not in waf
    assert 'scope       = "CLOUDFRONT"' in (terraform / "modules" / "waf" / "main.tf").read_text()
    autoscaling = (terraform / "modules" / "service" / "autoscaling.tf").read_text()
    assert "ECSServiceAverageCPUUtilization" in autoscaling
    assert "ECSServiceAverageMemoryUtilization" in autoscaling
