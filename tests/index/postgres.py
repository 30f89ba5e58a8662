"""A throwaway PostgreSQL cluster for the index's tests: `initdb` + `pg_ctl` on a free loopback
port, trust authentication for the local test role, removed afterwards.

The server refuses to run as root: when the tests run as root, the cluster runs as the
`postgres` system account (Debian's package creates it) through `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port

ROLE = "hygeia"


@dataclass
class Cluster:
    directory: Path
    port: int
    bindir: Path
    run_as: str | None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=ROLE, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def stop(self) -> None:
        _run(
            self,
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def server_bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, else Debian's /usr/lib/postgresql/<v>/bin."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def why_unavailable() -> str | None:
    """None when a cluster can be started here, else the reason it cannot."""
    if server_bindir() is None:
        return (
            "no PostgreSQL server binaries (initdb, pg_ctl): `make setup` installs Debian's "
            "postgresql package when it may (as root with apt-get)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and no `postgres` account to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and no `runuser` to run the server as `postgres`"
    return None


def start() -> Cluster:
    bindir = server_bindir()
    assert bindir is not None
    run_as = "postgres" if os.geteuid() == 0 else None
    directory = Path(tempfile.mkdtemp(prefix="hygeia-pg-"))
    if run_as is not None:
        account = pwd.getpwnam(run_as)
        os.chown(directory, account.pw_uid, account.pw_gid)
    cluster = Cluster(directory, free_port(), bindir, run_as)
    data = directory / "data"
    _run(
        cluster,
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            ROLE,
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        ],
    )
    options = f"-p {cluster.port} -h 127.0.0.1 -k {directory} -F -c fsync=off"
    try:
        _run(
            cluster,
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(directory / "log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    except subprocess.CalledProcessError:
        log = (
            (directory / "log").read_text(errors="replace") if (directory / "log").exists() else ""
        )
        cluster.stop()
        raise RuntimeError(f"PostgreSQL did not start:\n{log}") from None
    return cluster


def _run(cluster: Cluster, argv: list[str], *, check: bool = True) -> None:
    if cluster.run_as is not None:
        argv = ["runuser", "-u", cluster.run_as, "--", *argv]
    subprocess.run(argv, check=check, capture_output=True, text=True, cwd="/")
