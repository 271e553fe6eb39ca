"""The bodies of the service's own endpoints: the probes and info."""

from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    # Why the service is not ready, when it is not.
    reason: str | None = None


class Info(BaseModel):
    name: str
    version: str
    environment: str
