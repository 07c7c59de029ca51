"""docker/nginx-trusted-proxies.sh: NGINX_TRUSTED_PROXIES → nginx's real_ip trust (docs/adr/0046).

The scale harness runs nginx on its output; here, what it writes and what it refuses.
"""

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "docker" / "nginx-trusted-proxies.sh"


def _run(tmp_path: Path, value: str | None) -> tuple[subprocess.CompletedProcess[str], str]:
    env = {k: v for k, v in os.environ.items() if k != "NGINX_TRUSTED_PROXIES"}
    if value is not None:
        env["NGINX_TRUSTED_PROXIES"] = value
    out = tmp_path / "trusted.conf"
    result = subprocess.run(  # noqa: S603 - our own script
        ["/bin/sh", str(SCRIPT), str(out)], env=env, capture_output=True, text=True, check=False
    )
    return result, out.read_text() if out.exists() else ""


def test_each_trusted_range_becomes_a_real_ip_source_and_a_trusted_peer(tmp_path: Path) -> None:
    result, conf = _run(tmp_path, "10.0.0.0/8, 2001:db8::/32")
    assert result.returncode == 0, result.stderr
    assert "set_real_ip_from 10.0.0.0/8;" in conf
    assert "set_real_ip_from 2001:db8::/32;" in conf
    assert "real_ip_recursive on;" in conf
    assert "  10.0.0.0/8 1;" in conf  # the peer may name the scheme too
    assert '"1:https" https;' in conf
    assert "default $scheme;" in conf


def test_none_trusts_no_peer_so_clients_headers_are_ignored(tmp_path: Path) -> None:
    result, conf = _run(tmp_path, "none")
    assert result.returncode == 0, result.stderr
    assert "set_real_ip_from" not in conf
    assert "default 0;" in conf


def test_it_refuses_to_start_nginx_unset_or_with_something_that_is_not_a_range(tmp_path: Path) -> None:
    unset, _ = _run(tmp_path, None)
    assert unset.returncode != 0
    assert "NGINX_TRUSTED_PROXIES" in unset.stderr
    injected, conf = _run(tmp_path, "10.0.0.0/8;include /etc/passwd")
    assert injected.returncode != 0
    assert conf == ""
    assert list(tmp_path.iterdir()) == []  # nothing half-written left behind
