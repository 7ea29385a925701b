"""Run a command against a throw-away PostgreSQL server.

    python scripts/pgtemp.py -- COMMAND [ARGS...]

Starts a server from the machine's PostgreSQL binaries in a temporary folder, on a free
port of 127.0.0.1, sets LINTAS_DATABASE_URL for the command, and removes everything
afterwards. PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` user (through runuser).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def find_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        sys.exit(f"pgtemp: {name} not found; install Debian's postgresql (scripts/test-deps)")
    return candidates[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


class TempPostgres:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="lintas-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.started = False

    def start(self) -> str:
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o700)
        subprocess.run(
            as_server_user(
                [
                    find_bin("initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60 -c timezone=UTC"
        )
        subprocess.run(
            as_server_user(
                [
                    find_bin("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.root / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.started = True
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.started:
            subprocess.run(
                as_server_user(
                    [
                        find_bin("pg_ctl"),
                        "-D",
                        str(self.data),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ]
                ),
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.exit("usage: pgtemp.py -- COMMAND [ARGS...]")
    command = argv[argv.index("--") + 1 :]
    server = TempPostgres()
    try:
        url = server.start()
        print(f"pgtemp: PostgreSQL on 127.0.0.1:{server.port}", flush=True)
        env = {**os.environ, "LINTAS_DATABASE_URL": url}
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
