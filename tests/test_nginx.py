"""Behind a real nginx (deploy/nginx-planner.conf, a throwaway certificate): HTTPS is seen,
/admin/ answers only the staff networks, limits count per citizen address, message links
use the public https address."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import sqlite3
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .test_run_sh import free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not os.path.exists(NGINX),
                                reason="nginx is not installed (test.sh installs it)")


def site(tmp: Path, https_port: int, http_port: int, app_port: int,
         second_app_port: int | None = None) -> Path:
    """deploy/nginx-planner.conf with this test's ports, certificate and staff network (and
    its second app server uncommented, when given)."""
    text = (ROOT / "deploy" / "nginx-planner.conf").read_text()
    text = text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    if second_app_port:
        assert "# server 10.0.0.12:8000;" in text
        text = text.replace("# server 10.0.0.12:8000;", f"server 127.0.0.1:{second_app_port};")
    text = text.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", text)
    text = text.replace("/etc/letsencrypt/live/rdv.example.org/fullchain.pem", str(tmp / "cert.pem"))
    text = text.replace("/etc/letsencrypt/live/rdv.example.org/privkey.pem", str(tmp / "key.pem"))
    text = text.replace("rdv.example.org", "localhost")
    text = text.replace("allow 192.168.0.0/16;", "allow 127.0.0.0/29;")  # the "staff network"
    assert f"127.0.0.1:{app_port}" in text and str(tmp / "cert.pem") in text
    conf = tmp / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    log_format upstream '$remote_addr $request_method $uri $status $upstream_addr';
    access_log {tmp}/access.log upstream;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
{text}
}}
""")
    return conf


@pytest.fixture
def behind_nginx(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    os.chmod(tmp_path, 0o755)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PUBLIC_URL"}}
    env.update(SECRET_KEY="nginx-test", INSTANCE_PATH=str(instance), TRUSTED_PROXIES="1",
               BIND=f"127.0.0.1:{app_port}", WEB_CONCURRENCY="2", SCHEDULER_ENABLED="0",
               PUBLIC_URL=f"https://localhost:{https_port}", ALLOWED_HOSTS="127.0.0.1")
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "create-pilot", "--email", "pilote@example.org", "--first-name",
                    "Pia", "--last-name", "Lote", "--password", "Un-Mot-De-Passe-Long-1!"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    app = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "--config",
                            "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    conf = site(tmp_path, https_port, http_port, app_port)
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"],
                             stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert nginx.poll() is None, nginx.stderr.read() if nginx.stderr else ""
            try:
                if request(https_port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail("nginx and gunicorn did not answer /healthz")
        yield https_port, instance
    finally:
        for process in (nginx, app):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if nginx.stderr:
            nginx.stderr.close()


def request(port: int, method: str, path: str, source: str = "127.0.0.1",
            body: str | None = None, cookie: str = "") -> tuple[int, dict[str, str], str]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the throwaway certificate
    connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=20,
                                             source_address=(source, 0))
    sent = {"Cookie": cookie} if cookie else {}
    if body is not None:  # a form sent from the page, as a browser sends it over HTTPS
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Referer"] = f"https://localhost:{port}{path}"
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    headers = {k.lower(): v for k, v in response.getheaders()}
    headers["cookies"] = "; ".join(v.split(";", 1)[0] for k, v in response.getheaders()
                                   if k.lower() == "set-cookie")
    answer = (response.status, headers, response.read().decode())
    connection.close()
    return answer


def forgot(port: int, source: str) -> int:
    """Ask for a password reset from `source`, as a person would (the form, then send)."""
    status, headers, page = request(port, "GET", "/admin/forgot", source)
    assert status == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, page
    cookie = headers["cookies"]
    form = urlencode({"csrf_token": token.group(1), "email": "pilote@example.org"})
    status, _, page = request(port, "POST", "/admin/forgot", source, form, cookie)
    assert status != 400, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))[:600]
    return status


def test_behind_nginx(behind_nginx: tuple[int, Path]) -> None:
    port, instance = behind_nginx
    status, headers, _ = request(port, "GET", "/admin/login")
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in headers["set-cookie"].lower()
    # /admin/ only from the staff network; the public site from anywhere.
    assert request(port, "GET", "/admin/login", "127.0.0.9")[0] == 403
    assert request(port, "GET", "/", "127.0.0.9")[0] == 200
    # The sign-in pages allow 5 reset requests a minute per address: the 6th from one
    # address is refused, another address is not.
    assert [forgot(port, "127.0.0.2") for _ in range(6)] == [302] * 5 + [429]
    assert forgot(port, "127.0.0.3") == 302
    # The reset link sent by email names the public https address nginx answered on.
    with sqlite3.connect(instance / "planner.sqlite3") as database:
        bodies = [row[0] for row in database.execute("SELECT body FROM message")]
    assert bodies and all(f"https://localhost:{port}/admin/reset/" in body for body in bodies)
