"""The deployment recipes agree with the bot they run: the command, the stop signal and its
grace, the exit statuses that mean "do not restart", the files an image needs. (Images cannot
be built on the test machines; this checks what can go stale without one.)"""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.client import ANSWER_GRACE_SECONDS, STOP_GRACE_SECONDS

ROOT = Path(__file__).resolve().parents[1]


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(ROOT / "deploy" / "counterpoint.service")
    return parser


def dockerfile() -> dict[str, str]:
    """Each instruction's last occurrence, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found[word] = " ".join(rest.split())
    return found


def exit_status(tmp_path: Path, **env: str) -> int:
    """``python -m bot run`` in an empty folder with only ``env`` set."""
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path,
                          env={**base, **env}, capture_output=True, timeout=120).returncode


def test_systemd_unit_runs_the_bot_and_lets_it_stop_cleanly(tmp_path: Path) -> None:
    service = unit()["Service"]
    assert shlex.split(service["ExecStart"])[1:] == ["-m", "bot", "run"]
    assert service["KillSignal"] == "SIGTERM"
    assert float(service["TimeoutStopSec"]) > STOP_GRACE_SECONDS + ANSWER_GRACE_SECONDS
    assert service["WorkingDirectory"] in service["ReadWritePaths"].split()
    # The statuses it does not restart are the bot's "cannot start" ones, and a crash is not.
    no_restart = {int(code) for code in service["RestartPreventExitStatus"].split()}
    cannot_start = {exit_status(tmp_path),  # no token
                    exit_status(tmp_path, DISCORD_TOKEN="x", COUNTERPOINT_LOG_LEVEL="LOUD")}
    assert cannot_start == no_restart == {1, 2}
    assert service["Restart"] == "on-failure"


def test_the_image_installs_with_the_readme_command_and_stops_cleanly() -> None:
    found = dockerfile()
    assert found["CMD"] == '["python", "-m", "bot", "run"]'
    assert found["STOPSIGNAL"] == "SIGTERM"
    assert "pip install --no-cache-dir ." in found["RUN"]
    assert "pip install '.[test]'" in (ROOT / "README.md").read_text()
    text = (ROOT / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith("COPY "):
            for name in line.split()[1:-1]:
                assert (ROOT / name).exists(), name
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored  # the token never goes into an image


def test_compose_runs_the_bot_on_its_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    url = bot["environment"]["COUNTERPOINT_DATABASE_URL"]
    user, name = db["environment"]["POSTGRES_USER"], db["environment"]["POSTGRES_DB"]
    assert url.startswith(f"postgresql://{user}:") and url.endswith(f"@db:5432/{name}")
    assert int(bot["stop_grace_period"].rstrip("s")) > STOP_GRACE_SECONDS + ANSWER_GRACE_SECONDS
    assert bot["env_file"] == ".env"


@pytest.mark.parametrize("name", ["deploy/counterpoint.service", "Dockerfile", "compose.yaml"])
def test_each_recipe_is_explained_in_the_readme(name: str) -> None:
    assert f"`{name}`" in (ROOT / "README.md").read_text()
