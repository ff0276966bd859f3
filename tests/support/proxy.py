"""nginx in front of a live server, configured with the shipped proxy headers, and HTTP
requests from a chosen loopback address (all of 127.0.0.0/8 reaches the machine itself)."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.live import free_port

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def nginx_reason() -> str | None:
    if nginx_binary() is None:
        return "nginx is not installed (apt-get install nginx): the proxy tests run the real one"
    return None


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def shipped_proxy_headers() -> list[str]:
    """The ``proxy_set_header`` lines of deploy/nginx.conf: the test proxies as production does."""
    return re.findall(r"^\s*(proxy_set_header\s+[^;]+;)", SHIPPED.read_text(), re.MULTILINE)


@contextmanager
def nginx_in_front(upstream_port: int, folder: Path) -> Iterator[int]:
    """An nginx of our own on a free port, proxying to 127.0.0.1:upstream_port; yields its port."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip(nginx_reason() or "")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    headers = "\n            ".join(shipped_proxy_headers())
    config = folder / "nginx.conf"
    config.write_text(
        f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream branchq {{ server 127.0.0.1:{upstream_port}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://branchq;
            proxy_http_version 1.1;
            {headers}
        }}
    }}
}}
"""
    )
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(config)], stderr=subprocess.PIPE)
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            request("127.0.0.1", port, "GET", "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


def request(
    host: str, port: int, method: str, path: str, body: Any = None, *, source: str = "127.0.0.1", **headers: str
) -> tuple[int, Any]:
    """One HTTP request sent from ``source``; (status, parsed JSON body or None)."""
    connection = http.client.HTTPConnection(host, port, timeout=30, source_address=(source, 0))
    try:
        payload = json.dumps(body).encode() if body is not None else None
        if payload is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        kind = response.getheader("Content-Type") or ""
        return response.status, json.loads(data) if data and "json" in kind else None
    finally:
        connection.close()
