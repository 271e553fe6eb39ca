"""What is running: handy to confirm which build a deploy put live."""

from fastapi import APIRouter, Request

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.schemas import Info

router = APIRouter(tags=["info"])


@router.get("/info")
async def info(request: Request) -> Info:
    settings: Settings = request.app.state.settings
    return Info(
        name="{{ cookiecutter.project_slug }}",
        version=settings.app_version,
        environment=settings.environment,
    )
