"""The README's configuration table and the environment variables the code reads: every variable
config/settings or the server (config/server.py) reads is in the table, and every one the table
lists is read, by them or by what the table names (the Makefile's `make run`, the prod compose's
nginx). Nothing checked this: a variable added to the settings without a row went unseen."""

import ast
import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
READERS = [*sorted((BASE / "config" / "settings").glob("*.py")), BASE / "config" / "server.py"]
# Read outside Python: by the Makefile (`make run`) and by the nginx container (prod compose).
ELSEWHERE = {"HOST": "Makefile", "PORT": "Makefile", "WORKERS": "Makefile"}
NGINX = {"NGINX_TRUSTED_PROXIES": "docker/prod.compose.yml"}
NAME = re.compile(r"[A-Z][A-Z0-9_]+")


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.fullmatch(node.value):
        return node.value
    return None


def _reads_the_environment(call: ast.Call) -> bool:
    function = ast.unparse(call.func)
    return function.startswith("env") or "environ" in function or function == "_int"


def variables_read() -> set[str]:
    """The first upper-case name each call that reads the environment is given (`env_number("X", …)`,
    `env.str("X")`, `environ.get("X")`, the server's `_int(environ, "X", …)`), or that is looked
    up in it (`"X" in os.environ`)."""
    names: set[str] = set()
    for path in READERS:
        for node in ast.walk(ast.parse(path.read_text())):
            # The variable's name comes first; a default after it may look like one ("INFO").
            if (
                isinstance(node, ast.Call)
                and _reads_the_environment(node)
                and (first := next(filter(None, map(_name, node.args)), None))
            ):
                names.add(first)
            if isinstance(node, ast.Compare) and any("environ" in ast.unparse(c) for c in node.comparators):
                names |= {name for name in [_name(node.left)] if name}
    return names


def variables_in_the_table() -> set[str]:
    """The variables named in the first column of the README's "Configuration" table."""
    section = (BASE / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_variable_the_settings_read_is_in_the_readmes_table() -> None:
    assert variables_read() - variables_in_the_table() == set()


def test_every_variable_of_the_table_is_read_where_it_says() -> None:
    unread = variables_in_the_table() - variables_read()
    assert unread == set(ELSEWHERE) | set(NGINX)
    for name, where in {**ELSEWHERE, **NGINX}.items():
        assert name in (BASE / where).read_text(), f"{name} is not read in {where}"
