"""Probes: liveness for the container and load balancer health checks, readiness for deploys.

The load balancer checks liveness, so an outage of the table does not take every task out of
service at once; the deploy's smoke test and monitoring check readiness.
"""

import asyncio
import logging

from fastapi import APIRouter, Request, Response, status

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.schemas import Health
from {{ cookiecutter.package_name }}.table import ItemsTable

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def liveness() -> Health:
    """The process is up and serving. No I/O, so a slow dependency never gets the task killed."""
    return Health(status="ok")


@router.get("/ready", responses={status.HTTP_503_SERVICE_UNAVAILABLE: {"model": Health}})
async def readiness(request: Request, response: Response) -> Health:
    """Ready for traffic: the items table answers a read within the readiness timeout."""
    settings: Settings = request.app.state.settings
    table: ItemsTable = request.app.state.items_table
    try:
        async with asyncio.timeout(settings.readiness_timeout):
            await table.ping()
    except Exception as error:
        # Why goes to the log; the public answer says only what is unavailable.
        logger.warning(
            "Not ready: table unreadable: %s", type(error).__name__, extra={"error": str(error)}
        )
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="unavailable", reason="database unavailable")
    return Health(status="ok")


# HEAD as well, for checkers that send it; the schema lists each probe once.
router.add_api_route("", liveness, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/ready", readiness, methods=["HEAD"], include_in_schema=False)
