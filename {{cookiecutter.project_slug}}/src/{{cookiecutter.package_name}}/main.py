"""The application factory, for `uvicorn --factory {{ cookiecutter.package_name }}.main:create_app`."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from {{ cookiecutter.package_name }}.api import health, info
{% if cookiecutter.database != "none" %}
from {{ cookiecutter.package_name }}.api.items import router as items
{% endif %}
{% if cookiecutter.object_storage == "yes" %}
from {{ cookiecutter.package_name }}.api.items import uploads
{% endif %}
from {{ cookiecutter.package_name }}.body_limit import BodySizeLimitMiddleware
from {{ cookiecutter.package_name }}.config import Settings, load_settings
{% if "postgresql" in cookiecutter.database %}
from {{ cookiecutter.package_name }}.db.engine import create_engine
{% endif %}
from {{ cookiecutter.package_name }}.errors import EXCEPTION_HANDLERS
{% if cookiecutter.events == "yes" %}
from {{ cookiecutter.package_name }}.events import create_event_publisher
{% endif %}
from {{ cookiecutter.package_name }}.logs import configure_logging
from {{ cookiecutter.package_name }}.middleware import RequestContextMiddleware
{% if cookiecutter.object_storage == "yes" %}
from {{ cookiecutter.package_name }}.storage import create_asset_store
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
from {{ cookiecutter.package_name }}.table import create_items_table
{% endif %}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
{% if "postgresql" in cookiecutter.database %}
    # The pool connects lazily: the app starts, and reports not ready, while the database is down.
    engine = create_engine(app.state.settings)
    app.state.engine = engine
{% endif %}
    # What the app has built by now lives as long as the process. Frozen, it is out of the
    # garbage collector's reach: a full collection no longer walks it, and so no longer holds
    # up every request in flight for as long (what the service's p99 latency was made of).
    gc.collect()
    gc.freeze()
    yield
{% if "postgresql" in cookiecutter.database %}
    # Runs after uvicorn has drained in-flight requests on SIGTERM.
    await engine.dispose()
{% endif %}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    configure_logging(settings.log_level)

    docs = settings.serves_api_docs
    app = FastAPI(
        title="{{ cookiecutter.project_name }}",
        version=settings.app_version,
        exception_handlers=EXCEPTION_HANDLERS,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        lifespan=lifespan,
    )
    app.state.settings = settings
{% if cookiecutter.database == "dynamodb" %}
    # Its client connects on the first call: the app starts, and reports not ready, without it.
    app.state.items_table = create_items_table(settings)
{% endif %}
{% if cookiecutter.events == "yes" %}
    app.state.event_publisher = create_event_publisher(settings)
{% endif %}
{% if cookiecutter.object_storage == "yes" %}
    app.state.asset_store = create_asset_store(settings)
{% endif %}
    # FastAPI tries routers in the order they are included, route by route: the probes (asked
    # every few seconds) first, /info (rarely asked) last, and each resource's router between.
    app.include_router(health.router)
{% if cookiecutter.database != "none" %}
    app.include_router(items.router)
{% endif %}
{% if cookiecutter.object_storage == "yes" %}
    app.include_router(uploads.router)
{% endif %}
    app.include_router(info.router)
    # The last added runs first: the body limit applies inside the request context.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    app.add_middleware(RequestContextMiddleware, https_only=settings.https_only)
    return app
