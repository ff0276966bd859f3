"""A real server process on 127.0.0.1, started the way users start it (`branchq serve`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(
        self,
        instance: Path,
        database_url: str,
        *,
        demo: bool = False,
        extra_env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.instance = instance
        self.database_url = database_url
        self.demo = demo
        self.extra_env = extra_env or {}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = instance / f"server-{self.port}.log"

    def start(self, timeout: float = 30) -> LiveServer:
        env = os.environ | {"BRANCHQ_INSTANCE": str(self.instance), "DATABASE_URL": self.database_url} | self.extra_env
        args = [sys.executable, "-m", "server", "serve", "--port", str(self.port), "--threads", "400"]
        if self.demo:
            args.append("--demo")
        self.instance.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(args, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def worker_pid(self) -> int:
        """The process serving requests: gunicorn's worker where there is one, else the server's."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0]) if children else self.process.pid

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
