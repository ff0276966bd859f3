"""The shipped deploy/nginx.conf, run by the real nginx in front of a real server: HTTP is
redirected to HTTPS, HTTPS (a self-signed certificate made here) reaches BranchQ with HSTS
and the application's security headers, and a Socket.IO client connects through it."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.live import LiveServer, free_port

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]
DEPLOY = Path(__file__).parents[2] / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def site_config(folder: Path, app_port: int, http_port: int, https_port: int) -> Path:
    """deploy/nginx.conf as shipped, with this test's ports, certificate and one upstream."""
    cert, key = self_signed(folder)
    server_blocks = DEPLOY.read_text()
    server_blocks = re.sub(
        r"upstream branchq \{.*?\}", f"upstream branchq {{ server 127.0.0.1:{app_port}; }}", server_blocks, flags=re.S
    )
    server_blocks = server_blocks.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    server_blocks = server_blocks.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    server_blocks = server_blocks.replace("https://$host$request_uri", f"https://$host:{https_port}$request_uri")
    server_blocks = server_blocks.replace("/etc/branchq/tls/fullchain.pem", str(cert))
    server_blocks = server_blocks.replace("/etc/branchq/tls/privkey.pem", str(key))
    main = folder / "nginx.conf"
    main.write_text(
        f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\naccess_log {folder}/access.log;\nclient_body_temp_path {folder}/body;\n"
        f"proxy_temp_path {folder}/proxy;\nfastcgi_temp_path {folder}/fcgi;\nuwsgi_temp_path {folder}/uwsgi;\n"
        f"scgi_temp_path {folder}/scgi;\n{server_blocks}\n}}\n"
    )
    return main


@pytest.fixture
def behind_nginx(tmp_path: Path) -> Iterator[tuple[str, str, LiveServer]]:
    if not Path(NGINX).exists():
        pytest.skip("needs nginx")
    server = LiveServer(tmp_path / "app", f"sqlite:///{tmp_path / 'app.sqlite3'}", demo=True).start()
    http_port, https_port = free_port(), free_port()
    config = site_config(tmp_path, server.port, http_port, https_port)
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                requests.get(f"https://127.0.0.1:{https_port}/healthz", verify=False, timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}", server
    finally:
        nginx.terminate()
        nginx.wait(10)
        server.stop()


def test_http_is_redirected_and_https_carries_hsts_and_the_apps_headers(behind_nginx):
    http, https, _server = behind_nginx
    redirect = requests.get(f"{http}/track/1?token=abc", allow_redirects=False, timeout=5)
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == f"{https}/track/1?token=abc"
    page = requests.get(f"{https}/kiosk", verify=False, timeout=5)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    health = requests.get(f"{https}/healthz", verify=False, timeout=5)
    assert health.status_code == 200 and health.json()["db"] == "ok"
    assert health.headers["Strict-Transport-Security"] == "max-age=31536000"  # once, not twice


def test_a_screen_connects_over_tls_through_nginx(behind_nginx):
    import socketio

    _http, https, server = behind_nginx
    token = re.search(r"/display\?device=(\S+)", server.log.read_text()).group(1)
    client = socketio.Client(ssl_verify=False)
    client.connect(https, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    try:
        answer = client.call("subscribe", {"branch_id": 1}, timeout=10)
        assert "snapshot" in answer and answer["snapshot"]["seq"] >= 0
    finally:
        client.disconnect()
