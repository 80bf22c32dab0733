"""A throw-away PostgreSQL cluster for tests (Debian's postgresql package; installed by
`scripts/setup.sh --test`). initdb refuses to run as root, so the cluster runs as the `postgres`
user when the tests run as root."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.processes import free_port


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} not found: run scripts/setup.sh --test")
    return path


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yields a SQLAlchemy URL (postgresql+asyncpg://…) of a fresh database `kynnys`."""
    work = Path(tempfile.mkdtemp(prefix="kynnys-pg-"))
    data = work / "data"
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    port = free_port()
    subprocess.run(_as_postgres([pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "-E", "UTF8", "--no-sync"]), check=True, capture_output=True, timeout=120)
    opts = f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-o", opts, "-l", str(work / "pg.log"),
                                 "-w", "-t", "60", "start"]), check=True, capture_output=True, timeout=90)
    try:
        for _ in range(50):
            res = subprocess.run([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                                  "kynnys"], capture_output=True, timeout=30)
            if res.returncode == 0:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(res.stderr.decode())
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/kynnys"
    finally:
        subprocess.run(_as_postgres([pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(work, ignore_errors=True)
