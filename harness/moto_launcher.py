"""Serve moto on a loopback port, with the few fixes moto 5.2 needs to be deployed to by Terraform.

Run as `python -m harness.moto_launcher PORT` (harness/moto_server.py does, in a subprocess
so a hang can be killed). The environment variables moto reads (MOTO_ECS_SERVICE_RUNNING,
MOTO_IAM_LOAD_MANAGED_POLICIES) are set by the caller; this module only adds behaviour:

- Application Auto Scaling: ListTagsForResource, TagResource and UntagResource, which moto lacks
  and the aws provider calls after creating a scalable target (it otherwise retries for
  minutes), and the Tags of RegisterScalableTarget, so that default_tags do not drift.
- ECS CreateService: keep healthCheckGracePeriodSeconds, deploymentConfiguration,
  availabilityZoneRebalancing and enableExecuteCommand, which moto drops (the next plan would
  show them as changes).
- ECS UpdateService: a new task definition starts a new PRIMARY deployment, as in AWS, so a
  rollout can be followed to the task definition it deploys.
- RDS CreateDBInstance: keep the Performance Insights settings; DescribeDBClusters: no
  Serverless v1 scaling configuration on other clusters. EC2: keep the description of a
  security group rule that references another group or a prefix list.
- ELBv2 CreateLoadBalancer: the balancer is active at once (moto would report "provisioning"
  once, which costs a minute of the provider's polling).
- CloudFront: a cache behaviour with a cache policy has no legacy ForwardedValues, the default
  certificate no SSLSupportMethod, and an ACM certificate is not the default one, as in AWS
  (moto answers otherwise, which the next plan would show as changes).
- ECR: an image's digest is the SHA-256 of its manifest, as a registry computes it (moto hashes
  the layer digests, so two images without layers would share one).
- S3 bucket policies: requests are judged as the HTTPS requests they stand for (the emulator is
  plain HTTP on loopback), and a statement whose condition does not hold does not apply. moto
  ignores the Bool operator and denies on any failed condition, so the state bucket's
  "deny unless aws:SecureTransport" policy would lock Terraform out of its own state.
"""

from __future__ import annotations

import copy
import inspect
import json
import sys
import threading
from typing import Any

# Tags of Application Auto Scaling resources, by ARN: one account and region per server.
SCALABLE_TARGET_TAGS: dict[str, dict[str, str]] = {}

CREATE_SERVICE_FIELDS_MOTO_DROPS = {
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "deploymentConfiguration": "deployment_configuration",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
    "capacityProviderStrategy": "capacity_provider_strategy",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "enableExecuteCommand": "enable_execute_command",
}


def patch_application_autoscaling() -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    register_scalable_target = ApplicationAutoScalingResponse.register_scalable_target

    def register_with_tags(self: Any) -> str:
        body = register_scalable_target(self)
        tags = self._get_param("Tags") or {}
        if tags:
            arn = json.loads(body)["ScalableTargetARN"]
            SCALABLE_TARGET_TAGS.setdefault(arn, {}).update(tags)
        return body

    def list_tags_for_resource(self: Any) -> str:
        arn = self._get_param("ResourceARN")
        return json.dumps({"Tags": SCALABLE_TARGET_TAGS.get(arn, {})})

    def tag_resource(self: Any) -> str:
        arn = self._get_param("ResourceARN")
        SCALABLE_TARGET_TAGS.setdefault(arn, {}).update(self._get_param("Tags") or {})
        return "{}"

    def untag_resource(self: Any) -> str:
        tags = SCALABLE_TARGET_TAGS.get(self._get_param("ResourceARN"), {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return "{}"

    ApplicationAutoScalingResponse.register_scalable_target = register_with_tags
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource


def patch_ecs() -> None:
    from moto.core.utils import utcnow
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.moto_api._internal import mock_random

    create_service = EC2ContainerServiceResponse.create_service

    def create_service_keeping_fields(self: Any) -> Any:
        result = create_service(self)
        service = self.ecs_backend.services[
            f"{self._get_param('cluster', 'default').split('/')[-1]}:"
            f"{self._get_param('serviceName')}"
        ]
        for field, attribute in CREATE_SERVICE_FIELDS_MOTO_DROPS.items():
            value = self._get_param(field)
            if value is not None:
                setattr(service, attribute, value)
        return result

    update_service = EC2ContainerServiceBackend.update_service

    def update_service_with_new_deployment(self: Any, properties: dict[str, Any]) -> Any:
        service = update_service(self, properties)
        primary = service.deployments[0] if service.deployments else None
        if primary is not None and primary["taskDefinition"] != service.task_definition:
            deployment = copy.deepcopy(primary)
            deployment_id = f"ecs-svc/{mock_random.randint(0, 32**12)}"
            deployment.update(
                id=deployment_id,
                taskDefinition=service.task_definition,
                desiredCount=service.desired_count,
                runningCount=service.desired_count,
                pendingCount=0,
                rolloutState="COMPLETED",
                rolloutStateReason=f"ECS deployment {deployment_id} completed.",
                createdAt=utcnow(),
                updatedAt=utcnow(),
            )
            service.deployments = [deployment]
        return service

    EC2ContainerServiceResponse.create_service = create_service_keeping_fields
    EC2ContainerServiceBackend.update_service = update_service_with_new_deployment


def patch_rds() -> None:
    from moto.rds.models import DBCluster, DBInstance, RDSBackend
    from moto.rds.responses import RDSResponse

    create_db_instance = RDSBackend.create_db_instance

    def create_db_instance_keeping_performance_insights(
        self: Any, db_kwargs: dict[str, Any]
    ) -> Any:
        database = create_db_instance(self, db_kwargs)
        for key, value in db_kwargs.items():
            if "performance_insights" in key and value is not None:
                setattr(database, key, value)
        return database

    RDSBackend.create_db_instance = create_db_instance_keeping_performance_insights

    # Only Aurora Serverless v1 clusters have a ScalingConfigurationInfo; moto gives every
    # cluster an empty one, which the provider reads as a block to fill in.
    scaling_configuration_info = DBCluster.scaling_configuration_info

    def scaling_configuration_info_of_v1_only(self: Any) -> Any:
        return scaling_configuration_info.fget(self) if self.scaling_configuration else None

    DBCluster.scaling_configuration_info = property(scaling_configuration_info_of_v1_only)
    # Given as EnablePerformanceInsights, answered as PerformanceInsightsEnabled.
    DBInstance.performance_insights_enabled = property(
        lambda self: getattr(self, "enable_performance_insights", None)
    )

    describe_db_parameters = RDSResponse.describe_db_parameters

    def describe_db_parameters_with_source(self: Any) -> Any:
        # moto stores only the parameters set through the API: all of them are "user" ones.
        result = describe_db_parameters(self)
        for parameter in result.result["Parameters"]:
            parameter.setdefault("Source", "user")
        return result

    RDSResponse.describe_db_parameters = describe_db_parameters_with_source


def patch_elbv2() -> None:
    from moto.elbv2.models import ELBv2Backend

    create_load_balancer = ELBv2Backend.create_load_balancer

    # moto answers "provisioning" to the first describe; the provider then waits 30 s per poll.
    def create_active_load_balancer(self: Any, *args: Any, **kwargs: Any) -> Any:
        load_balancer = create_load_balancer(self, *args, **kwargs)
        load_balancer.activate()
        return load_balancer

    ELBv2Backend.create_load_balancer = create_active_load_balancer


def patch_ec2() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    rule_init = SecurityGroupRule.__init__
    rule_parameters = inspect.signature(rule_init)

    def keeping_the_prefix_lists_description(self: Any, *args: Any, **kwargs: Any) -> None:
        rule_init(self, *args, **kwargs)
        prefix_list = rule_parameters.bind(self, *args, **kwargs).arguments.get("prefix_list_id")
        self.prefix_list_description = (prefix_list or {}).get("Description")

    # A rule that references another security group or a prefix list keeps its description
    # with that group or list.
    SecurityGroupRule.__init__ = keeping_the_prefix_lists_description
    SecurityGroupRule.description = property(
        lambda self: (
            self.ip_range.get("Description")
            or self.source_group.get("Description")
            or self.prefix_list_description
        )
    )


def patch_cloudfront() -> None:
    from moto.cloudfront import models

    cache_behaviour_init = models.DefaultCacheBehaviour.__init__
    certificate_init = models.ViewerCertificate.__init__

    def without_legacy_forwarding(self: Any, config: dict[str, Any]) -> None:
        cache_behaviour_init(self, config)
        if config.get("CachePolicyId"):
            self.forwarded_values = None

    def as_configured(self: Any, config: dict[str, Any]) -> None:
        certificate_init(self, config)
        if not config.get("SSLSupportMethod"):
            self.ssl_support_method = None
        if config.get("ACMCertificateArn") and "CloudFrontDefaultCertificate" not in config:
            self.cloud_front_default_certificate = False

    models.DefaultCacheBehaviour.__init__ = without_legacy_forwarding
    models.ViewerCertificate.__init__ = as_configured


def patch_s3_bucket_policies() -> None:
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult
    from moto.s3.models import FakeBucket

    # What AWS would know of a request that reached it over TLS.
    request_context = {"aws:securetransport": "true"}

    def condition_holds(condition: dict[str, dict[str, Any]]) -> bool:
        for operator, tests in condition.items():
            for key, expected in tests.items():
                actual = request_context.get(key.lower())
                if actual is None or operator not in ("Bool", "StringEquals"):
                    continue  # a key or operator this emulation does not know: not judged
                expected_values = expected if isinstance(expected, list) else [expected]
                if actual not in [str(value).lower() for value in expected_values]:
                    return False
        return True

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        statements = json.loads(self.policy)["Statement"]
        if isinstance(statements, dict):
            statements = [statements]
        results = [
            IAMPolicyStatement(
                {key: value for key, value in statement.items() if key != "Condition"}
            ).is_action_permitted(action, resource)
            for statement in statements
            if condition_holds(statement.get("Condition", {}))
        ]
        if PermissionResult.DENIED in results:
            return PermissionResult.DENIED
        if PermissionResult.PERMITTED in results:
            return PermissionResult.PERMITTED
        return PermissionResult.NEUTRAL

    FakeBucket.get_permission = get_permission


def patch_ecr() -> None:
    import hashlib

    from moto.ecr.models import Image

    def manifest_digest(self: Any) -> None:
        self._image_digest = "sha256:" + hashlib.sha256(self.image_manifest.encode()).hexdigest()

    Image._create_digest = manifest_digest


def serve(port: int) -> None:
    from moto.server import ThreadedMotoServer

    patch_application_autoscaling()
    patch_ecs()
    patch_rds()
    patch_ec2()
    patch_elbv2()
    patch_cloudfront()
    patch_s3_bucket_policies()
    patch_ecr()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print(f"moto listening on http://127.0.0.1:{port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
