"""The one cache of the template's checks: results on disk, each computed once across workers.

Anything slow (a render, a Terraform run, a checkov scan, a lint pass, an image build, an
initdb) is kept under `CACHE_ROOT/<kind>/<key>`, where the key is a hash of everything the
result depends on: a changed input makes a new key, never a stale hit. Whichever xdist worker
takes a key's lock first computes it in a scratch folder that becomes the entry only when
complete; the others wait for it and read it, or, asked not to wait, get `Taken` and go on to
other work. `make clean` (or deleting `.cache/`) empties it.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
CACHE_ROOT = Path(os.environ.get("TEMPLATE_TEST_CACHE", TEMPLATE_ROOT / ".cache")).resolve()
COMPLETE = ".complete"
# One line per entry built: what it was and what it cost, to see where a run's time goes.
BUILD_LOG = CACHE_ROOT / "builds.jsonl"

_read: dict[Path, Any] = {}


def content_key(*parts: str | bytes) -> str:
    """A short hash of the parts, in order."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


class Taken(Exception):
    """Another process holds this key (it is computing it), and the caller chose not to wait."""


def cached_folder(kind: str, key: str, build: Callable[[Path], None], *, wait: bool = True) -> Path:
    """The folder `build` filled for this key: built once, by whichever process asks first.
    With wait=False, raise Taken instead of waiting while another process holds the key."""
    folder = CACHE_ROOT / kind / key
    folder.parent.mkdir(parents=True, exist_ok=True)
    if (folder / COMPLETE).exists():
        return folder
    lock = FileLock(f"{folder}.lock", timeout=-1 if wait else 0)
    try:
        lock.acquire()
    except Timeout:
        raise Taken(f"{kind}/{key}") from None
    try:
        if not (folder / COMPLETE).exists():
            scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{key}-"))
            try:
                with _logged_build(kind, key):
                    build(scratch)
                (scratch / COMPLETE).touch()
                shutil.rmtree(folder, ignore_errors=True)
                scratch.rename(folder)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    finally:
        lock.release()
    return folder


def _cpu_seconds() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def _logged_build(kind: str, key: str) -> Iterator[None]:
    """Append the build's wall and CPU seconds (this process and the children it waited for)."""
    wall, cpu = time.monotonic(), _cpu_seconds()
    yield
    line = {
        "kind": kind,
        "key": key,
        "wall": round(time.monotonic() - wall, 1),
        "cpu": round(_cpu_seconds() - cpu, 1),
    }
    with BUILD_LOG.open("a") as log:
        log.write(json.dumps(line) + "\n")


def cached_json(kind: str, key: str, compute: Callable[[], Any], *, wait: bool = True) -> Any:
    """compute()'s JSON result for this key: computed once, then read (once per process)."""

    def build(folder: Path) -> None:
        (folder / "result.json").write_text(json.dumps(compute()))

    result_file = cached_folder(kind, key, build, wait=wait) / "result.json"
    if result_file not in _read:
        _read[result_file] = json.loads(result_file.read_text())
    return _read[result_file]


@contextmanager
def exclusive(name: str) -> Iterator[None]:
    """One process at a time, across workers, for work that must not overlap (image builds)."""
    locks = CACHE_ROOT / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with FileLock(str(locks / f"{name}.lock")):
        yield
