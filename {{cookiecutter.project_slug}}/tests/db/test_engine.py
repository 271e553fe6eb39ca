"""The engine: what a failed statement's error may show, how it checks the server's TLS, and
when a request's connection goes back to the pool."""

import ssl
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.types import Message, Receive, Scope, Send

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db.engine import create_engine, tls_connect_args

# A self-signed certificate, only for its shape: what verifies real servers is tested where
# one runs with TLS (the template's own tests).
CA_CERTIFICATE = """\
-----BEGIN CERTIFICATE-----
MIIBtjCCAV2gAwIBAgIUKNBTFBGQpBTzvboHedKksUM0BCEwCgYIKoZIzj0EAwIw
MDEuMCwGA1UEAwwlVGVzdCBDQSBmb3IgdGhlIGVuZ2luZSdzIFRMUyBzZXR0aW5n
czAgFw0yNjEyMDMwNTU1MDlaGA8yMTI2MTEwOTA1NTUwOVowMDEuMCwGA1UEAwwl
VGVzdCBDQSBmb3IgdGhlIGVuZ2luZSdzIFRMUyBzZXR0aW5nczBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABB8/JS2wV1J9nHR9sRHP7ioYn2gNiFsQCVvqEV513lcp
s5zr3a78Pg8Rc1/8eUteyT0vsszV9xFQq2oMCU3x3pKjUzBRMB0GA1UdDgQWBBRs
1bRH4prM1VpHoZC6edS60AFSfzAfBgNVHSMEGDAWgBRs1bRH4prM1VpHoZC6edS6
0AFSfzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIHwB1jb5Yjhh
Kc5rol3qSutLvQxft4+CAKkJnJSJfwx0AiBmMSLQasrn/axXd4K4Sfi7AVzwskPK
d5OdY3OHI4MwNg==
-----END CERTIFICATE-----
"""


@pytest.mark.anyio
async def test_a_failed_statement_does_not_show_its_parameters(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as failure:
                await connection.execute(
                    text("SELECT name FROM no_such_table WHERE name = :name"),
                    {"name": "a customer's data"},
                )
    finally:
        await engine.dispose()
    assert "no_such_table" in str(failure.value)
    assert "a customer's data" not in str(failure.value)


def test_a_ca_bundle_turns_on_verify_full(settings: Settings, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(CA_CERTIFICATE)

    (context,) = tls_connect_args(settings.model_copy(update={"db_ssl_root_cert": bundle})).values()

    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert tls_connect_args(settings) == {}


@pytest.mark.anyio
async def test_every_route_returns_its_connection_before_it_responds(app: FastAPI) -> None:
    """Whether the route succeeds or fails, a slow client never holds a connection."""
    checked_out_at_response: dict[str, int] = {}

    async def observed_app(scope: Scope, receive: Receive, send: Send) -> None:
        async def observing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer = f"{scope['method']} {message['status']}"
                checked_out_at_response[answer] = app.state.engine.pool.checkedout()
            await send(message)

        await app(scope, receive, observing_send)

    transport = ASGITransport(app=observed_app)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        created = await client.post("/items", json={"name": "pooled connection"})
        location = created.headers["location"]
        await client.post("/items", json={"name": "pooled connection"})
        await client.get(location)
        await client.get("/items")
        await client.patch(location, json={"description": "changed"})
        await client.delete(location)
        await client.get(location)

    assert checked_out_at_response == {
        answer: 0
        for answer in ("POST 201", "POST 409", "GET 200", "PATCH 200", "DELETE 204", "GET 404")
    }
