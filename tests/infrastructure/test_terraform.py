"""The generated Terraform, for every option combination: formatted, valid, tested, secure.

Terraform and checkov runs are memoized per distinct tree (see terraform_tools), so the 54
combinations cost one `terraform test` per distinct root module, one per distinct bootstrap/
and one checkov run per database choice; every combination still gets its own assertions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import hcl2
import pytest

from harness.combinations import (
    CERTIFICATE_ARN,
    DOMAIN_NAME,
    PAIRWISE,
    THREE_WISE,
    Combination,
)
from harness.rendering import Render, render
from harness.terraform import (
    BOOTSTRAP_DEFAULT_RUN,
    CHECKOV_FRAMEWORKS,
    ENVIRONMENTS,
    TEST_ACCOUNT_ID,
    TEST_CLOUDFRONT_PREFIX_LIST_ID,
    TEST_IMAGE_DIGEST,
    ToolMissing,
    check_bootstrap,
    check_root,
    check_suite,
    checkov_binary,
    checkov_pairwise,
    terraform,
    terraform_ready,
)
from hooks.post_gen_project import SQL_DATABASES

MODULES = ("naming", "network", "load_balancer", "service", "monitoring")
# The module each database answer adds.
DATABASE_MODULE = {"postgresql": "database", "aurora-postgresql": "database", "dynamodb": "table"}
PROJECT = "orders-api"
REGION = "us-east-1"

HARNESS_OVERRIDDEN = {
    "module.database.aws_db_instance.this",
    "module.database.aws_rds_cluster.this",
}

# The files themselves are read in every combination; what runs Terraform or checkov runs over
# the pairwise sample (harness/combinations.py).
every_combination = pytest.mark.parametrize("combination", THREE_WISE, ids=lambda c: c.id)
pairwise = pytest.mark.parametrize("combination", PAIRWISE, ids=lambda c: c.id)
by_environment = pytest.mark.parametrize("environment", ENVIRONMENTS)


@pytest.fixture(scope="session")
def terraform_available() -> None:
    try:
        terraform_ready()
    except ToolMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def checkov_available() -> None:
    try:
        checkov_binary()
    except ToolMissing as missing:
        pytest.skip(str(missing))


def rendered(combination: Combination) -> Render:
    result = render(combination.answers)
    assert result.returncode == 0, result.stderr
    return result


def terraform_dir(combination: Combination) -> Path:
    return rendered(combination).project / "terraform"


def module_dirs(combination: Combination) -> list[Path]:
    root = terraform_dir(combination)
    return [
        root,
        root / "bootstrap",
        *sorted(p for p in (root / "modules").iterdir() if p.is_dir()),
    ]


# ---------------------------------------------------------------------------------------------
# Files and layout


@every_combination
def test_layout(combination: Combination) -> None:
    root = terraform_dir(combination)
    modules = (
        *MODULES,
        *((DATABASE_MODULE[combination.database],) if combination.database != "none" else ()),
        *(("waf",) if combination.waf == "yes" else ()),
        *(("events",) if combination.events == "yes" else ()),
        *(("object_storage",) if combination.object_storage == "yes" else ()),
        *(("cdn",) if combination.cdn == "yes" else ()),
    )
    assert sorted(p.name for p in (root / "modules").iterdir()) == sorted(modules)
    for module in [root / "bootstrap", *(root / "modules" / name for name in modules)]:
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
            assert (module / name).is_file(), f"{module.relative_to(root)} lacks {name}"
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "providers.tf"):
        assert (root / name).is_file()
    for environment in ENVIRONMENTS:
        assert (root / "environments" / f"{environment}.tfvars").is_file()
        assert (root / "environments" / f"{environment}.backend.hcl").is_file()
    expected_tests = (
        {"network", "load_balancer", "service", "monitoring"}
        | ({"database"} if combination.database != "none" else set())
        | ({"waf"} if combination.waf == "yes" else set())
        | ({"events"} if combination.events == "yes" else set())
        | ({"object_storage"} if combination.object_storage == "yes" else set())
        | ({"cdn"} if combination.cdn == "yes" else set())
    )
    assert {
        p.name.removesuffix(".tftest.hcl") for p in (root / "tests").iterdir()
    } == expected_tests
    assert [p.name for p in (root / "bootstrap" / "tests").iterdir()] == ["bootstrap.tftest.hcl"]


@pytest.mark.parametrize(
    "combination", [c for c in PAIRWISE if c.events == "yes"], ids=lambda c: c.id
)
def test_the_stack_counts_and_matches_what_the_app_publishes_and_logs(
    combination: Combination,
) -> None:
    """The metric filter counts the exact line the app logs for an event it gave up on, and
    the archive, rule and task role match the source the app publishes under: two facts the
    stack repeats from the app, checked here."""
    project = rendered(combination).project
    app = (project / "src" / "orders_api" / "events.py").read_text()
    (message,) = re.findall(r'^EVENT_NOT_PUBLISHED = "([^"]+)"$', app, re.MULTILINE)
    (source,) = re.findall(r'^SOURCE = "([^"]+)"$', app, re.MULTILINE)
    modules = {
        unquote(name): body
        for block in hcl(project / "terraform" / "main.tf")["module"]
        for name, body in block.items()
    }
    assert unquote(modules["events"]["not_published_message"]) == message
    assert (
        modules["events"]["event_source"] == modules["service"]["event_source"] == "${var.project}"
    )
    variables = {
        unquote(name): body
        for block in hcl(project / "terraform" / "variables.tf")["variable"]
        for name, body in block.items()
    }
    assert unquote(variables["project"]["default"]) == source == PROJECT


def text_files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@every_combination
def test_no_terraform_template_directives(combination: Combination) -> None:
    """%{ ... } reads like Jinja in the template source: the Terraform code never uses it.
    (Unrendered Jinja and unselected options are checked over the whole tree by
    tests/tree_hygiene/test_generation.py.)"""
    for name, text in text_files(terraform_dir(combination)).items():
        assert "%{" not in text, f"{name} uses a Terraform template directive"


@every_combination
def test_no_blank_line_litter(combination: Combination) -> None:
    """Conditional blocks must not leave double blank lines or blank lines at block edges."""
    for name, text in text_files(terraform_dir(combination)).items():
        assert "\n\n\n" not in text, f"{name} has two blank lines in a row"
        assert not re.search(r"\{\n\n|\n\n\s*\}", text), f"{name} has a blank line at a block edge"
        assert text.endswith("\n") and not text.endswith("\n\n"), f"{name} must end in one newline"


@every_combination
def test_terraform_fmt(combination: Combination, terraform_available: None) -> None:
    step = terraform(
        "fmt", "-check", "-recursive", "-diff", "-no-color", cwd=terraform_dir(combination)
    )
    assert step.ok, step.report()


def hcl(path: Path) -> dict[str, Any]:
    with path.open() as file:
        return hcl2.load(file)


def unquote(value: Any) -> Any:
    return value[1:-1] if isinstance(value, str) and value.startswith('"') else value


@every_combination
def test_variables_and_outputs_are_documented(combination: Combination) -> None:
    problems: list[str] = []
    for module in module_dirs(combination):
        where = module.relative_to(terraform_dir(combination).parent)
        for block in hcl(module / "variables.tf").get("variable", []):
            for name, body in block.items():
                for attribute in ("description", "type"):
                    if not unquote(body.get(attribute, "")).strip():
                        problems.append(f"{where}: variable {unquote(name)} has no {attribute}")
        for block in hcl(module / "outputs.tf").get("output", []):
            for name, body in block.items():
                if not unquote(body.get("description", "")).strip():
                    problems.append(f"{where}: output {unquote(name)} has no description")
    assert not problems, "\n".join(problems)


@every_combination
def test_version_pins_and_backend(combination: Combination) -> None:
    for module in module_dirs(combination):
        (settings,) = hcl(module / "versions.tf")["terraform"]
        assert unquote(settings["required_version"]) == ">= 1.10", module
        if module.name == "naming":
            assert "required_providers" not in settings, "the naming module computes names only"
            continue
        (providers,) = settings["required_providers"]
        assert {key: unquote(value) for key, value in providers["aws"].items()} == {
            "source": "hashicorp/aws",
            "version": "~> 5.100",
        }, module
    root = terraform_dir(combination)
    (settings,) = hcl(root / "versions.tf")["terraform"]
    assert settings["backend"] == [{'"s3"': {"__is_block__": True}}]
    for environment in ENVIRONMENTS:
        backend = hcl(root / "environments" / f"{environment}.backend.hcl")
        assert backend["use_lockfile"] is True and backend["encrypt"] is True
        assert unquote(backend["key"]) == f"{environment}/terraform.tfstate"
        assert "dynamodb_table" not in backend


@every_combination
def test_environment_settings(combination: Combination) -> None:
    """Staging is cheap and disposable; production is highly available and protected."""
    root = terraform_dir(combination)
    staging = hcl(root / "environments" / "staging.tfvars")
    production = hcl(root / "environments" / "production.tfvars")
    assert unquote(staging["environment"]) == "staging"
    assert unquote(production["environment"]) == "production"
    assert staging["desired_count"] == 1
    # Fargate Spot places X86_64 tasks only.
    assert staging["use_fargate_spot"] is (combination.cpu_architecture == "x86_64")
    assert staging["log_retention_days"] <= 30
    assert production["desired_count"] >= 2 and production["min_capacity"] >= 2
    assert production["use_fargate_spot"] is False
    assert production["load_balancer_deletion_protection"] is True
    if combination.database == "postgresql":
        assert staging["database_multi_az"] is False and production["database_multi_az"] is True
    if combination.database == "aurora-postgresql":
        assert staging["database_instance_count"] == 1
        assert production["database_instance_count"] >= 2
    if combination.database in ("postgresql", "aurora-postgresql"):
        assert production["database_deletion_protection"] is True
        assert production["database_skip_final_snapshot"] is False
        assert staging["database_skip_final_snapshot"] is True
    if combination.database == "dynamodb":
        assert production["table_deletion_protection"] is True
        assert staging["table_deletion_protection"] is False


# ---------------------------------------------------------------------------------------------
# terraform init / test (which validates first)


@pairwise
def test_root_module_validates_and_plans(
    combination: Combination, terraform_available: None
) -> None:
    result = check_root(rendered(combination))
    # `terraform test` validates the configuration before each plan.
    assert result.step("init").ok, result.report()
    assert result.step("test").ok, result.report()


def generated_suites(combination: Combination) -> list[Path]:
    return sorted((terraform_dir(combination) / "tests").glob("*.tftest.hcl"))


@pairwise
def test_generated_terraform_tests_pass(
    combination: Combination, terraform_available: None
) -> None:
    runs: dict[str, str] = {}
    for suite in generated_suites(combination):
        result = check_suite(rendered(combination), suite)
        assert result.step("test").ok, result.report()
        runs |= result.runs
    assert runs and set(runs.values()) == {"pass"}, runs
    listener_run = (
        "only_cloudfront_with_the_origin_secret_reaches_the_tasks"
        if combination.cdn == "yes"
        else "http_listener_forwards_to_the_tasks"
        if combination.https == "off"
        else "http_redirects_to_https"
    )
    expected = {
        # The network module makes every NAT choice, whichever the project answered.
        "tests/network.tftest.hcl::a_single_nat_gateway_serves_both_zones",
        "tests/network.tftest.hcl::one_nat_gateway_per_zone",
        "tests/network.tftest.hcl::no_nat_gateway",
        f"tests/load_balancer.tftest.hcl::{listener_run}",
        "tests/service.tftest.hcl::with_the_default_variables",
    }
    if combination.database != "none":
        expected.add(
            "tests/database.tftest.hcl::production_defaults_are_highly_available_and_protected"
        )
    if combination.database in ("postgresql", "aurora-postgresql"):
        expected.add("tests/service.tftest.hcl::migrations_run_before_the_app")
    if combination.waf == "yes":
        expected |= {
            "tests/waf.tftest.hcl::rules_limits_then_managed_groups",
            "tests/waf.tftest.hcl::a_body_limit_past_what_the_load_balancer_shows_waf_is_refused",
        }
    if combination.events == "yes":
        expected |= {
            "tests/events.tftest.hcl::the_events_are_encrypted_with_the_environments_key",
            "tests/events.tftest.hcl::every_event_is_archived_and_logged_and_nothing_lost_silently",
            "tests/events.tftest.hcl::what_is_lost_alarms",
            "tests/service.tftest.hcl::the_app_publishes_on_its_own_bus_under_its_own_source_only",
        }
    if combination.object_storage == "yes":
        expected |= {
            "tests/object_storage.tftest.hcl::private_encrypted_and_versioned",
            "tests/service.tftest.hcl::the_app_signs_uploads_under_items_only",
        }
    if combination.cdn == "yes":
        expected |= {
            "tests/cdn.tftest.hcl::the_load_balancer_behind_cloudfront_with_the_origin_secret",
            "tests/cdn.tftest.hcl::a_second_apply_in_the_month_keeps_the_secret",
            "tests/cdn.tftest.hcl::replacing_the_seed_rotates_the_secret",
            "tests/cdn.tftest.hcl::api_responses_are_cached_only_when_they_say_so",
        }
    assert expected <= set(runs), sorted(runs)
    assert any(run.startswith("tests/cdn.tftest.hcl::") for run in runs) == (
        combination.cdn == "yes"
    )
    assert any(run.startswith("tests/waf.tftest.hcl::") for run in runs) == (
        combination.waf == "yes"
    )
    assert any(run.startswith("tests/events.tftest.hcl::") for run in runs) == (
        combination.events == "yes"
    )
    assert any(run.startswith("tests/object_storage.tftest.hcl::") for run in runs) == (
        combination.object_storage == "yes"
    )
    migrations = "tests/service.tftest.hcl::migrations_run_before_the_app"
    assert (migrations in runs) == (combination.database in SQL_DATABASES)


@pairwise
def test_bootstrap_validates_and_its_tests_pass(
    combination: Combination, terraform_available: None
) -> None:
    result = check_bootstrap(rendered(combination))
    for step in ("init", "test"):
        assert result.step(step).ok, result.report()
    assert set(result.runs.values()) == {"pass"}, result.runs
    assert set(result.runs) == {
        f"tests/bootstrap.tftest.hcl::{name}"
        for name in (
            BOOTSTRAP_DEFAULT_RUN,
            "the_repository_keeps_as_many_images_as_asked",
            "too_few_images_to_roll_back_to_are_refused",
            "with_the_repository_id_the_roles_trust_it_and_the_deploy_workflow",
            "existing_oidc_provider_is_reused",
        )
    }, sorted(result.runs)


# ---------------------------------------------------------------------------------------------
# The whole stack, planned per environment with its tfvars


class Plan:
    """The resources a plan creates, by type, with their planned attribute values."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.changes = [
            change for change in raw.resource_changes.values() if change["mode"] == "managed"
        ]

    def of_type(self, resource_type: str) -> list[dict[str, Any]]:
        return [
            change["change"]["after"] for change in self.changes if change["type"] == resource_type
        ]

    def one(self, resource_type: str) -> dict[str, Any]:
        (resource,) = self.of_type(resource_type)
        return resource

    def named(self, resource_type: str, name: str) -> list[dict[str, Any]]:
        return [
            change["change"]["after"]
            for change in self.changes
            if change["type"] == resource_type and change["name"] == name
        ]

    def types(self) -> Counter[str]:
        return Counter(change["type"] for change in self.changes)

    def output(self, name: str) -> Any:
        return self.raw.output_changes[name]["after"]

    def containers(self) -> list[dict[str, Any]]:
        return json.loads(self.one("aws_ecs_task_definition")["container_definitions"])


def stack_plan(combination: Combination, environment: str) -> Plan:
    return Plan(check_root(rendered(combination)).plan(environment))


@pairwise
@by_environment
def test_stack_plan_creates_everything_fresh(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    plan = stack_plan(combination, environment)
    assert plan.changes
    assert {tuple(change["change"]["actions"]) for change in plan.changes} == {("create",)}
    for output in (
        "aws_region",
        "cluster_name",
        "service_name",
        "ecr_repository_url",
        "service_url",
        "log_group_name",
    ):
        assert output in plan.raw.output_changes, f"missing output {output}"
    name = f"{PROJECT}-{environment}"
    assert plan.output("aws_region") == REGION
    assert plan.output("cluster_name") == name
    assert plan.output("service_name") == name
    assert plan.output("log_group_name") == f"/ecs/{name}"
    assert (
        plan.output("ecr_repository_url")
        == f"{TEST_ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/{PROJECT}"
    )


@pairwise
@by_environment
def test_stack_plan_load_balancer(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    plan = stack_plan(combination, environment)
    listeners = {listener["port"]: listener for listener in plan.of_type("aws_lb_listener")}
    ingress_ports = sorted(
        rule["from_port"]
        for rule in plan.named("aws_vpc_security_group_ingress_rule", "http")
        + plan.named("aws_vpc_security_group_ingress_rule", "https")
    )
    domain = DOMAIN_NAME if environment == "production" else f"staging.{DOMAIN_NAME}"
    if combination.cdn == "yes":
        assert_only_cloudfront_reaches_the_load_balancer(plan, combination, domain)
    else:
        if combination.https == "off":
            assert sorted(listeners) == [80], "HTTPS off: no 443 listener"
            assert listeners[80]["default_action"][0]["type"] == "forward"
            assert ingress_ports == [80]
            assert not plan.of_type("aws_acm_certificate") and not plan.of_type(
                "aws_route53_record"
            )
        else:
            assert sorted(listeners) == [80, 443]
            redirect = listeners[80]["default_action"][0]
            assert redirect["type"] == "redirect"
            expected = {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}
            assert expected.items() <= redirect["redirect"][0].items()
            assert listeners[443]["protocol"] == "HTTPS"
            assert listeners[443]["ssl_policy"].startswith("ELBSecurityPolicy-TLS13-")
            assert listeners[443]["default_action"][0]["type"] == "forward"
            assert ingress_ports == [80, 443]
            assert plan.output("service_url") == f"https://{domain}"
        if combination.https == "acm-route53":
            assert plan.one("aws_acm_certificate")["domain_name"] == domain
            assert [record["name"] for record in plan.named("aws_route53_record", "alias")] == [
                domain
            ]
            assert len(plan.of_type("aws_route53_record")) == 2
        if combination.https == "acm-existing":
            assert listeners[443]["certificate_arn"] == CERTIFICATE_ARN
            assert not plan.of_type("aws_acm_certificate") and not plan.of_type(
                "aws_route53_record"
            )
    load_balancer = plan.one("aws_lb")
    assert load_balancer["drop_invalid_header_fields"] is True
    assert load_balancer["enable_deletion_protection"] is (environment == "production")


def assert_only_cloudfront_reaches_the_load_balancer(
    plan: Plan, combination: Combination, domain: str
) -> None:
    """Behind CloudFront: one listener, 403 unless the origin secret's header comes, CloudFront's
    prefix list the only way in, the distribution on the domain with its us-east-1 certificate."""
    listeners = {listener["port"]: listener for listener in plan.of_type("aws_lb_listener")}
    port = 80 if combination.https == "off" else 443
    assert sorted(listeners) == [port], "behind CloudFront: one listener, nothing to redirect"
    assert listeners[port]["default_action"][0]["type"] == "fixed-response"
    assert listeners[port]["default_action"][0]["fixed_response"][0]["status_code"] == "403"
    (rule,) = plan.of_type("aws_lb_listener_rule")
    (condition,) = rule["condition"]
    assert condition["http_header"][0]["http_header_name"] == "X-Origin-Secret"
    assert rule["action"][0]["type"] == "forward"
    ingress = [
        (rule["from_port"], rule["cidr_ipv4"], rule["prefix_list_id"])
        for name in ("http", "https", "cloudfront")
        for rule in plan.named("aws_vpc_security_group_ingress_rule", name)
    ]
    assert ingress == [(port, None, TEST_CLOUDFRONT_PREFIX_LIST_ID)]
    distribution = plan.one("aws_cloudfront_distribution")
    (origin,) = distribution["origin"]
    assert origin["custom_origin_config"][0]["origin_protocol_policy"] == (
        "http-only" if combination.https == "off" else "https-only"
    )
    certificate = distribution["viewer_certificate"][0]
    if combination.https == "off":
        assert certificate["cloudfront_default_certificate"] is True
        return
    assert distribution["aliases"] == [domain]
    assert plan.output("service_url") == f"https://{domain}"
    assert listeners[443]["ssl_policy"].startswith("ELBSecurityPolicy-TLS13-")
    if combination.https == "acm-route53":
        # The load balancer's, in the region, and CloudFront's, in us-east-1: both for the domain.
        assert [c["domain_name"] for c in plan.of_type("aws_acm_certificate")] == [domain, domain]
        aliases = plan.named("aws_route53_record", "alias")
        assert sorted((record["name"], record["type"]) for record in aliases) == [
            (domain, "A"),
            (domain, "AAAA"),
        ]
    if combination.https == "acm-existing":
        assert listeners[443]["certificate_arn"] == CERTIFICATE_ARN
        # The default of cdn_certificate_arn in us-east-1: the same certificate.
        assert certificate["acm_certificate_arn"] == CERTIFICATE_ARN
        assert not plan.of_type("aws_acm_certificate") and not plan.of_type("aws_route53_record")


@pairwise
@by_environment
def test_stack_plan_firewall(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    """With waf, production's example puts the web ACL on its load balancer, logging to its
    encrypted group; staging's leaves it off. Without waf, nothing of it."""
    plan = stack_plan(combination, environment)
    on = combination.waf == "yes" and environment == "production"
    assert len(plan.of_type("aws_wafv2_web_acl")) == int(on)
    # Behind CloudFront, the distribution names the web ACL: there is no association.
    associated = on and combination.cdn == "no"
    assert len(plan.of_type("aws_wafv2_web_acl_association")) == int(associated)
    assert len(plan.of_type("aws_wafv2_web_acl_logging_configuration")) == int(on)
    firewall_groups = [
        group
        for group in plan.of_type("aws_cloudwatch_log_group")
        if group["name"].startswith("aws-waf-logs-")
    ]
    assert [group["name"] for group in firewall_groups] == (
        [f"aws-waf-logs-{PROJECT}-{environment}"] if on else []
    )
    if combination.waf == "yes":
        assert plan.output("waf_log_group_name") == (
            f"aws-waf-logs-{PROJECT}-{environment}" if on else None
        )
    if on:
        web_acl = plan.one("aws_wafv2_web_acl")
        assert web_acl["name"] == f"{PROJECT}-{environment}"
        assert web_acl["scope"] == ("CLOUDFRONT" if combination.cdn == "yes" else "REGIONAL")
        (group,) = firewall_groups
        assert group["retention_in_days"] == 365


@pairwise
@by_environment
def test_stack_plan_events(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    """With events, the environment's bus, archive, event log and dead-letter queue, the app
    told where to publish and allowed to on that bus alone, under its own source. Without,
    nothing of it."""
    plan = stack_plan(combination, environment)
    name = f"{PROJECT}-{environment}"
    event_types = ("aws_cloudwatch_event_bus", "aws_cloudwatch_event_archive", "aws_sqs_queue")
    app = {container["name"]: container for container in plan.containers()}["app"]
    settings = {variable["name"]: variable["value"] for variable in app["environment"]}
    if combination.events == "no":
        assert not any(plan.of_type(kind) for kind in event_types)
        assert "EVENT_BUS_ARN" not in settings
        return
    bus_arn = f"arn:aws:events:{REGION}:{TEST_ACCOUNT_ID}:event-bus/{name}"
    assert plan.one("aws_cloudwatch_event_bus")["name"] == name
    assert plan.one("aws_cloudwatch_event_archive")["event_pattern"] == json.dumps(
        {"source": [PROJECT]}, separators=(",", ":")
    )
    assert plan.one("aws_sqs_queue")["name"] == f"{name}-events-dead-letters"
    assert plan.one("aws_cloudwatch_event_target")["target_id"] == "event-log"
    assert f"/aws/events/{name}" in {
        group["name"] for group in plan.of_type("aws_cloudwatch_log_group")
    }
    assert settings["EVENT_BUS_ARN"] == bus_arn
    (publishing,) = plan.named("aws_iam_role_policy", "publish_events")
    assert publishing["role"] == f"{name}-task"
    assert json.loads(publishing["policy"])["Statement"] == [
        {
            "Sid": "PublishOnTheEnvironmentsBus",
            "Effect": "Allow",
            "Action": "events:PutEvents",
            "Resource": bus_arn,
            "Condition": {"StringEquals": {"events:source": PROJECT}},
        }
    ]
    assert plan.output("event_bus_name") == name
    alarms = {alarm["alarm_name"] for alarm in plan.of_type("aws_cloudwatch_metric_alarm")}
    assert {f"{name}-events-not-published", f"{name}-events-dead-lettered"} <= alarms


@pairwise
@by_environment
def test_stack_plan_object_storage(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    """With object_storage, the environment's private, encrypted, versioned bucket, the app told
    its name, and allowed to put objects under items/ in it alone. Without, nothing of it."""
    plan = stack_plan(combination, environment)
    name = f"{PROJECT}-{environment}"
    app = {container["name"]: container for container in plan.containers()}["app"]
    settings = {variable["name"]: variable["value"] for variable in app["environment"]}
    buckets = [bucket["bucket"] for bucket in plan.of_type("aws_s3_bucket")]
    if combination.object_storage == "no":
        assert buckets == []
        assert "ASSETS_BUCKET" not in settings
        return
    bucket = f"{name}-assets-{TEST_ACCOUNT_ID}"
    assert buckets == [bucket]
    assert settings["ASSETS_BUCKET"] == bucket
    assert plan.one("aws_s3_bucket")["force_destroy"] is False
    (block,) = plan.of_type("aws_s3_bucket_public_access_block")
    assert all(block[flag] for flag in ("block_public_acls", "block_public_policy"))
    (uploads,) = plan.named("aws_iam_role_policy", "uploads")
    assert uploads["role"] == f"{name}-task"
    statements = json.loads(uploads["policy"])["Statement"]
    assert statements[0] == {
        "Sid": "PutTheItemsFiles",
        "Effect": "Allow",
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/items/*",
    }
    assert statements[1]["Condition"] == {
        "StringEquals": {
            "aws:ResourceTag/Environment": environment,
            "kms:ViaService": f"s3.{REGION}.amazonaws.com",
        }
    }


@pairwise
@by_environment
def test_stack_plan_network(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    plan = stack_plan(combination, environment)
    expected = {"single": 1, "one-per-az": 2, "none": 0}[combination.nat_gateways]
    if environment == "staging":
        expected = min(expected, 1)  # one NAT gateway is enough for staging
    assert len(plan.of_type("aws_nat_gateway")) == expected
    assert len(plan.of_type("aws_eip")) == expected
    assert len(plan.named("aws_route", "private_nat")) == (2 if expected else 0)
    assert len(plan.of_type("aws_subnet")) == 4
    assert (
        plan.one("aws_vpc")["cidr_block"]
        == {"staging": "10.10.0.0/16", "production": "10.20.0.0/16"}[environment]
    )
    service = plan.one("aws_ecs_service")
    assert service["network_configuration"][0]["assign_public_ip"] is (
        combination.nat_gateways == "none"
    )


@pairwise
@by_environment
def test_stack_plan_service(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    plan = stack_plan(combination, environment)
    task = plan.one("aws_ecs_task_definition")
    architecture = {"arm64": "ARM64", "x86_64": "X86_64"}[combination.cpu_architecture]
    assert task["runtime_platform"][0]["cpu_architecture"] == architecture
    containers = {container["name"]: container for container in plan.containers()}
    # By digest, never by tag: what runs cannot change under a tag.
    image = f"{TEST_ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/{PROJECT}@{TEST_IMAGE_DIGEST}"
    assert {container["image"] for container in containers.values()} == {image}
    app = containers["app"]
    assert app["readonlyRootFilesystem"] is True and app["user"] != "0"
    assert app["portMappings"][0]["containerPort"] == 8000
    assert {"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False} in app["mountPoints"]
    # Browsers are told to use HTTPS only where the load balancer serves nothing else.
    # CloudFront redirects its viewers to HTTPS whatever the load balancer serves.
    https_only = "false" if combination.https == "off" and combination.cdn == "no" else "true"
    assert {"name": "HTTPS_ONLY", "value": https_only} in app["environment"]
    if combination.database not in SQL_DATABASES:
        assert list(containers) == ["app"], "no SQL database: no migrate init container"
        assert "secrets" not in app and "dependsOn" not in app
    if combination.database == "dynamodb":
        assert {"name": "ITEMS_TABLE", "value": f"{PROJECT}-{environment}-items"} in app[
            "environment"
        ]
    if combination.database in SQL_DATABASES:
        assert set(containers) == {"migrate", "app"}
        migrate = containers["migrate"]
        assert migrate["command"] == ["alembic", "upgrade", "head"]
        assert migrate["essential"] is False
        assert app["dependsOn"] == [{"containerName": "migrate", "condition": "SUCCESS"}]
        for container in (migrate, app):
            names = {variable["name"] for variable in container["environment"]}
            assert {"DB_HOST", "DB_PORT", "DB_NAME", "DB_SSL_ROOT_CERT"} <= names
        # The master user for the migrations; the app logs in with IAM tokens, no secret.
        assert {secret["name"] for secret in migrate["secrets"]} == {"DB_USER", "DB_PASSWORD"}
        assert "secrets" not in app
    service = plan.one("aws_ecs_service")
    staging = environment == "staging"
    assert service["desired_count"] == (1 if staging else 2)
    strategy = [provider["capacity_provider"] for provider in service["capacity_provider_strategy"]]
    on_spot = staging and combination.cpu_architecture == "x86_64"
    assert strategy == (["FARGATE_SPOT"] if on_spot else ["FARGATE"])
    assert service["deployment_circuit_breaker"] == [{"enable": True, "rollback": True}]
    scaling = plan.one("aws_appautoscaling_target")
    assert (scaling["min_capacity"], scaling["max_capacity"]) == ((1, 2) if staging else (2, 6))
    assert len(plan.of_type("aws_appautoscaling_policy")) == 3
    retention = {
        group["name"]: group["retention_in_days"]
        for group in plan.of_type("aws_cloudwatch_log_group")
    }
    assert retention[f"/ecs/{PROJECT}-{environment}"] == (14 if staging else 365)


@pairwise
@by_environment
def test_stack_plan_creates_no_role_and_uses_bootstraps(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    """A deploy creates no role: it writes the policies of the roles bootstrap created."""
    plan = stack_plan(combination, environment)
    identities = {
        t for t in plan.types() if t.startswith("aws_iam_") and t != "aws_iam_role_policy"
    }
    assert not identities, f"the stack must create no IAM identity or policy: {identities}"
    name = f"{PROJECT}-{environment}"
    role_arn = f"arn:aws:iam::{TEST_ACCOUNT_ID}:role/{PROJECT}/{environment}/{name}"
    task_definition = plan.one("aws_ecs_task_definition")
    assert task_definition["execution_role_arn"] == f"{role_arn}-task-execution"
    assert task_definition["task_role_arn"] == f"{role_arn}-task"
    assert plan.one("aws_flow_log")["iam_role_arn"] == f"{role_arn}-vpc-flow-logs"
    policy_roles = sorted(policy["role"] for policy in plan.of_type("aws_iam_role_policy"))
    expected = [f"{name}-task-execution", f"{name}-vpc-flow-logs"]
    if combination.database == "dynamodb":
        expected.append(f"{name}-task")  # it reads and writes the items table
    if combination.database in SQL_DATABASES:
        expected += [f"{name}-task-execution", f"{name}-task"]
        monitoring = (plan.of_type("aws_db_instance") or plan.of_type("aws_rds_cluster_instance"))[
            0
        ]["monitoring_role_arn"]
        assert monitoring == f"{role_arn}-rds-monitoring"
    if combination.events == "yes":
        expected.append(f"{name}-task")  # it publishes the items' events
    if combination.object_storage == "yes":
        expected.append(f"{name}-task")  # it signs uploads of the items' files
    if plan.one("aws_ecs_service")["enable_execute_command"]:
        expected.append(f"{name}-task")  # it answers ECS Exec sessions (staging's example)
    assert policy_roles == sorted(expected)


@pairwise
@by_environment
def test_stack_plan_tags_every_resource_with_its_environment(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    """The deploy roles' isolation rests on this tag: an untagged resource is out of reach."""
    untagged = [
        f"{change['address']}: {(change['change']['after'] or {}).get('tags_all')}"
        for change in stack_plan(combination, environment).changes
        if "tags_all" in (change["change"]["after"] or {})
        and (change["change"]["after"]["tags_all"] or {}).get("Environment") != environment
        # The harness overrides these, computed attributes (tags_all) included.
        and change["address"] not in HARNESS_OVERRIDDEN
    ]
    assert not untagged, "\n".join(untagged)


@pairwise
@by_environment
def test_stack_plan_database(
    combination: Combination, environment: str, terraform_available: None
) -> None:
    plan = stack_plan(combination, environment)
    database_types = {t for t in plan.types() if t.startswith(("aws_db_", "aws_rds_"))}
    production = environment == "production"
    if combination.database in ("none", "dynamodb"):
        assert not database_types, f"database={combination.database} must create no RDS"
    if combination.database == "dynamodb":
        table = plan.one("aws_dynamodb_table")
        assert (table["name"], table["billing_mode"]) == (
            f"{PROJECT}-{environment}-items",
            "PAY_PER_REQUEST",
        )
        assert table["deletion_protection_enabled"] is production
        assert [recovery["enabled"] for recovery in table["point_in_time_recovery"]] == [True]
        assert [encryption["enabled"] for encryption in table["server_side_encryption"]] == [True]
        endpoints = [endpoint["service_name"] for endpoint in plan.of_type("aws_vpc_endpoint")]
        assert f"com.amazonaws.{REGION}.dynamodb" in endpoints
        assert "migrate" not in json.dumps(plan.one("aws_ecs_task_definition"))
    if combination.database in ("none", "dynamodb"):
        return
    if combination.database == "postgresql":
        assert database_types == {
            "aws_db_instance",
            "aws_db_parameter_group",
            "aws_db_subnet_group",
        }
        database = plan.one("aws_db_instance")
        assert database["multi_az"] is production
    else:
        assert database_types == {
            "aws_rds_cluster",
            "aws_rds_cluster_instance",
            "aws_rds_cluster_parameter_group",
            "aws_db_subnet_group",
        }
        database = plan.one("aws_rds_cluster")
        assert len(plan.of_type("aws_rds_cluster_instance")) == (2 if production else 1)
    assert database["storage_encrypted"] is True
    assert database["deletion_protection"] is production
    assert database["skip_final_snapshot"] is not production
    assert database["final_snapshot_identifier"] == (
        f"{PROJECT}-production-final" if production else None
    )
    ingress = plan.named("aws_vpc_security_group_ingress_rule", "from_service")
    assert [rule["from_port"] for rule in ingress] == [5432]
    # The execution role (for ECS to inject it into the migrate container) reads exactly one
    # secret, the one RDS tags with this database; the app logs in with IAM tokens instead.
    assert database["iam_database_authentication_enabled"] is True
    kind = "cluster" if combination.database == "aurora-postgresql" else "db"
    tag = "primaryDBClusterArn" if kind == "cluster" else "primaryDBInstanceArn"
    read_the_secret = {
        "Sid": "ReadTheDatabaseSecret",
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": f"arn:aws:secretsmanager:{REGION}:{TEST_ACCOUNT_ID}:secret:rds!*",
        "Condition": {
            "StringEquals": {
                f"aws:ResourceTag/aws:rds:{tag}": (
                    f"arn:aws:rds:{REGION}:{TEST_ACCOUNT_ID}:{kind}:{PROJECT}-{environment}"
                )
            }
        },
    }
    (secret_policy,) = plan.named("aws_iam_role_policy", "read_database_secret")
    assert secret_policy["role"] == f"{PROJECT}-{environment}-task-execution"
    statements = json.loads(secret_policy["policy"])["Statement"]
    assert [statement["Sid"] for statement in statements] == [
        "ReadTheDatabaseSecret",
        "DecryptItThroughSecretsManager",
    ]
    assert statements[0] == read_the_secret
    for policy in plan.named("aws_iam_role_policy", "execution"):
        assert "secretsmanager" not in policy["policy"], (
            "the execution policy reads no secret itself"
        )
    app_user = f"{PROJECT}_{environment}".replace("-", "_")
    (connect_policy,) = plan.named("aws_iam_role_policy", "connect_to_the_database")
    assert connect_policy["role"] == f"{PROJECT}-{environment}-task"
    containers = {container["name"]: container for container in plan.containers()}
    assert "secrets" not in containers["app"]
    assert {"name": "DB_USER", "value": app_user} in containers["app"]["environment"]
    assert {"name": "DB_APP_USER", "value": app_user} in containers["migrate"]["environment"]


# ---------------------------------------------------------------------------------------------
# checkov


def checkov_report(combination: Combination) -> dict[str, Any]:
    """checkov over the pairwise sample, run once."""
    batch = checkov_pairwise()
    assert batch["error"] is None, batch["error"]
    return batch["reports"][combination.id]


@pairwise
def test_checkov_finds_nothing(combination: Combination, checkov_available: None) -> None:
    report = checkov_report(combination)
    assert not report["parsing_errors"], report["parsing_errors"]
    failures = [
        f"{check['check_id']} {check['resource']} ({check['file']}): {check['check_name']}"
        for check in report["failed"]
    ]
    assert not failures, "checkov failed checks:\n" + "\n".join(failures)
    # Every framework checked this project: Terraform, the Dockerfile and the workflows.
    assert set(report["passed"]) == set(CHECKOV_FRAMEWORKS), report["passed"]


# Every check skipped in the generated Terraform, as (file, resource, check). A new skip must be
# added here on purpose, with its reason written next to it in the code.
ALWAYS_SKIPPED = {
    ("bootstrap/state_bucket.tf", "aws_s3_bucket.state", "CKV_AWS_18"),
    ("bootstrap/state_bucket.tf", "aws_s3_bucket.state", "CKV_AWS_144"),
    ("bootstrap/state_bucket.tf", "aws_s3_bucket.state", "CKV2_AWS_62"),
    ("bootstrap/ecr.tf", "aws_ecr_repository.build_cache", "CKV_AWS_51"),
    # A static scan cannot read computed subjects; the scan of the plans checks the resolved
    # trust policies (tests/infrastructure/test_iam_policies.py).
    ("bootstrap/github_oidc.tf", "data.aws_iam_policy_document.github_trust", "CKV_AWS_358"),
    # Key policies: Resource "*" is the key itself.
    *(
        (path, f"data.aws_iam_policy_document.{name}", check)
        for path, name in (("bootstrap/kms.tf", "bootstrap_key"), ("kms.tf", "kms"))
        for check in ("CKV_AWS_109", "CKV_AWS_111", "CKV_AWS_356")
    ),
    ("modules/network/main.tf", "data.aws_availability_zones.available", "CKV_AWS_394"),
    ("modules/load_balancer/main.tf", "aws_lb.this", "CKV2_AWS_28"),
}
SKIPPED_WITHOUT_HTTPS = {
    ("modules/load_balancer/main.tf", "aws_lb.this", "CKV2_AWS_20"),
    ("modules/load_balancer/main.tf", "aws_lb_target_group.this", "CKV_AWS_378"),
    (
        "modules/load_balancer/http_only.tf",
        "aws_vpc_security_group_ingress_rule.http",
        "CKV_AWS_260",
    ),
    ("modules/load_balancer/http_only.tf", "aws_lb_listener.http", "CKV_AWS_2"),
    ("modules/load_balancer/http_only.tf", "aws_lb_listener.http", "CKV_AWS_103"),
}
SKIPPED_WITH_HTTPS = {
    ("modules/load_balancer/https.tf", "aws_vpc_security_group_ingress_rule.http", "CKV_AWS_260"),
}
SKIPPED_WITH_AURORA = {
    ("modules/database/aurora.tf", "aws_rds_cluster.this", "CKV2_AWS_8"),
}
# The bucket of the items' files, skipped as the state bucket is, and for the same reasons.
SKIPPED_WITH_OBJECT_STORAGE = {
    ("modules/object_storage/main.tf", "aws_s3_bucket.this", check)
    for check in ("CKV_AWS_18", "CKV_AWS_144", "CKV2_AWS_62")
}


def skipped_with_cdn(combination: Combination) -> set[tuple[str, str, str]]:
    """CloudFront's skips, and its listener's in place of the internet-facing ones."""
    distribution = ("modules/cdn/main.tf", "aws_cloudfront_distribution.this")
    # Logs need an ACL bucket, an API has no root object and one origin; no geo restriction;
    # the managed response headers policy is attached by ID; the web ACL is modules/waf's.
    checks = ["CKV_AWS_86", "CKV_AWS_305", "CKV_AWS_310", "CKV_AWS_374", "CKV2_AWS_32"]
    checks += ["CKV_AWS_68", "CKV2_AWS_47"]
    skips = {(*distribution, check) for check in checks}
    if combination.https == "off":
        listener = ("modules/load_balancer/cloudfront_only.tf", "aws_lb_listener.http")
        skips |= {
            (*distribution, "CKV_AWS_174"),
            (*distribution, "CKV2_AWS_42"),
            ("modules/load_balancer/main.tf", "aws_lb.this", "CKV2_AWS_20"),
            ("modules/load_balancer/main.tf", "aws_lb_target_group.this", "CKV_AWS_378"),
            (
                "modules/load_balancer/cloudfront_only.tf",
                "aws_vpc_security_group_ingress_rule.cloudfront",
                "CKV_AWS_260",
            ),
            (*listener, "CKV_AWS_2"),
            (*listener, "CKV_AWS_103"),
        }
    else:
        skips.add(("modules/load_balancer/main.tf", "aws_lb_target_group.this", "CKV_AWS_378"))
    return skips


def expected_skips(combination: Combination) -> set[tuple[str, str, str]]:
    skips = set(ALWAYS_SKIPPED)
    if combination.cdn == "yes":
        skips |= skipped_with_cdn(combination)
    else:
        skips |= SKIPPED_WITHOUT_HTTPS if combination.https == "off" else SKIPPED_WITH_HTTPS
    if combination.database == "aurora-postgresql":
        skips |= SKIPPED_WITH_AURORA
    if combination.object_storage == "yes":
        skips |= SKIPPED_WITH_OBJECT_STORAGE
    return skips


SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::\s*(.*))?")
BLOCK_START = re.compile(r'^(resource|data) "([\w-]+)" "([\w-]+)"')


def skip_comments(root: Path) -> dict[tuple[str, str, str], str]:
    """Every `# checkov:skip=` in the tree, with the block it sits in and its reason."""
    skips: dict[tuple[str, str, str], str] = {}
    for path in sorted(root.rglob("*.tf")):
        block = "<outside any block>"
        for line in path.read_text().splitlines():
            if start := BLOCK_START.match(line):
                kind, resource_type, name = start.groups()
                block = f"{'data.' if kind == 'data' else ''}{resource_type}.{name}"
            if comment := SKIP_COMMENT.search(line):
                check, reason = comment.groups()
                skips[(path.relative_to(root).as_posix(), block, check)] = (reason or "").strip()
    return skips


@every_combination
def test_checkov_skips_are_the_expected_ones(combination: Combination) -> None:
    skips = skip_comments(terraform_dir(combination))
    assert set(skips) == expected_skips(combination)
    for skip, reason in skips.items():
        assert len(reason) > 20, f"{skip} needs a one-line reason"


@pairwise
def test_checkov_honours_the_skips(combination: Combination, checkov_available: None) -> None:
    """Each skip comment really silences its check (a typo would let it pass unnoticed)."""
    skipped = {
        (check["file"].removeprefix("terraform/"), check["check_id"])
        for check in checkov_report(combination)["skipped"]
    }
    assert skipped == {(file, check) for file, _, check in expected_skips(combination)}
