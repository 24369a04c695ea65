"""The nginx config deploy/workshop.py writes: sticky by cookie, websockets, long reads, uploads as large as Streamlit's."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from deploy.workshop import nginx_binary, render_nginx_config, upload_limit_mb
from tests.databases import require


def test_the_config_pins_by_cookie_upgrades_websockets_and_allows_streamlits_uploads(tmp_path: Path) -> None:
    text = render_nginx_config([8601, 8602, 8603], 8500, tmp_path)
    assert "{{" not in text
    assert re.findall(r"server 127\.0\.0\.1:(\d+) max_fails", text) == ["8601", "8602", "8603"]
    directives = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    assert "hash $lab_affinity consistent;" in directives and not any(d.startswith("ip_hash") for d in directives)
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "proxy_set_header Connection $connection_upgrade;" in text
    assert "proxy_read_timeout 1d;" in text and "listen 127.0.0.1:8500;" in text
    assert upload_limit_mb() == 25  # .streamlit/config.toml's maxUploadSize ...
    assert f"client_max_body_size {upload_limit_mb() + 1}m;" in text  # ... plus the multipart envelope


def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    try:
        binary = nginx_binary()
    except RuntimeError as error:
        require(False, str(error))
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_nginx_config([8601, 8602], 8500, tmp_path))
    checked = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
