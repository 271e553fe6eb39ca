"""The container health check: exit 0 when the local server answers GET /health with 200.

Run as `python -m {{ cookiecutter.package_name }}.health_probe` by the image's HEALTHCHECK and by
the ECS task definition's healthCheck; slim images have no curl, so the interpreter probes.
"""

import os
import sys
import urllib.error
import urllib.request

# uvicorn reads its port from UVICORN_PORT (the image sets it; the task definition may change it).
DEFAULT_PORT = "8000"
TIMEOUT_SECONDS = 2


def probe(port: str) -> str | None:
    """None when the server is alive, otherwise why not."""
    url = f"http://127.0.0.1:{port}/health"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, ValueError) as error:
        return f"GET {url}: {error}"
    return None if status == 200 else f"GET {url}: HTTP {status}"


def main() -> int:
    failure = probe(os.environ.get("UVICORN_PORT", DEFAULT_PORT))
    if failure:
        print(failure, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
