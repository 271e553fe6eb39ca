"""Probes: liveness for the container and load balancer health checks, readiness for deploys."""

from fastapi import APIRouter

from {{ cookiecutter.package_name }}.schemas import Health

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def liveness() -> Health:
    """The process is up and serving. No I/O, so a slow dependency never gets the task killed."""
    return Health(status="ok")


@router.get("/ready")
async def readiness() -> Health:
    """Ready for traffic. Check the service's dependencies here when it gets some."""
    return Health(status="ok")


# HEAD as well, for checkers that send it; the schema lists each probe once.
router.add_api_route("", liveness, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/ready", readiness, methods=["HEAD"], include_in_schema=False)
