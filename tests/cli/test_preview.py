"""``python -m bot preview``: the JSON contract, and one clear line for every kind of bad input."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web

from bot.__main__ import main
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "bot" / "samples" / "city_bike_lanes.txt"
CONTRACT_KEYS = {"title", "author", "url", "thesis", "announced_count", "confidence",
                 "arguments", "conclusion", "removed_boilerplate", "notes"}


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract_on_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "preview", str(SAMPLE), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == CONTRACT_KEYS
    assert data["announced_count"] == 3
    assert [a["marker"] for a in data["arguments"]] == ["First", "Second", "Finally"]
    assert [a["number"] for a in data["arguments"]] == [1, 2, 3]
    assert all(set(a) == {"number", "title", "marker", "text", "confidence"}
               for a in data["arguments"])
    assert data["arguments"][0]["title"].startswith("The lanes are already paying")
    assert data["conclusion"].startswith("That is why the vote next Tuesday matters")
    assert any("Subscribe" in item for item in data["removed_boilerplate"])


def test_human_output_lists_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "preview", str(SAMPLE))
    assert code == 0
    assert "3 arguments" in out
    assert "1. The lanes are already paying" in out
    assert "\033[" not in out  # not a terminal: no colour codes


def test_seed_contract(capsys: pytest.CaptureFixture[str], shared_dir: Path) -> None:
    code, out, _ = run_main(capsys, "preview", str(shared_dir / "corpus" / "seed_op_ed.txt"),
                            "--json")
    assert code == 0
    data = json.loads(out)
    assert data["announced_count"] == 4
    openings = [a["text"][:16] for a in data["arguments"]]
    assert openings == ["For starters, no", "But we do know t", "The third reason",
                        "Finally, there’s"]
    body = " ".join([data["thesis"], data["conclusion"] or ""]
                    + [a["text"] for a in data["arguments"]])
    for boilerplate in ("CLICKING HERE", "Image Credit", "About the Author", "Rutgers-Newark"):
        assert boilerplate not in body
        assert any(boilerplate in item for item in data["removed_boilerplate"])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ],
)
def test_bad_files_get_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                content: bytes | None, expected: str) -> None:
    path = tmp_path / "piece.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run_main(capsys, "preview", str(path))
    assert code != 0
    assert out == ""
    assert err.count("\n") == 1 and expected in err and str(path) in err


def test_page_that_is_no_article(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "login.html"
    page.write_text("<html><head><title>Sign in</title></head><body><nav><a href='/'>Home</a>"
                    "</nav><form><input name=user><input type=password name=pw>"
                    "<button>Sign in</button></form></body></html>")
    code, _, err = run_main(capsys, "preview", str(page))
    assert code != 0
    assert err.count("\n") == 1 and "Traceback" not in err


# URL sources run the real command in a subprocess, so "no traceback" covers the whole program.

@pytest_asyncio.fixture
async def server() -> AsyncIterator[str]:
    async def redirect_loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"a" * (1 << 20) + b"</p>"
        for _ in range(50):
            await response.write(chunk)
        return response

    async def bomb(request: web.Request) -> web.Response:
        body = gzip.compress(b"\0" * (40 << 20), compresslevel=9)
        return web.Response(body=body, headers={"Content-Encoding": "gzip",
                                                "Content-Type": "text/html"})

    async def sample(request: web.Request) -> web.Response:
        return web.Response(text=SAMPLE.read_text(), content_type="text/plain")

    app = web.Application()
    app.router.add_get("/loop", redirect_loop)
    app.router.add_get("/huge", huge)
    app.router.add_get("/bomb", bomb)
    app.router.add_get("/sample", sample)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def run_cli(*argv: str, allow_private: bool = True) -> tuple[int, str, str]:
    env = dict(os.environ, COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES="true" if allow_private
               else "false")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *argv, cwd=REPO_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize(
    ("path", "allow_private", "expected"),
    [
        ("/loop", True, "redirect"),
        ("/huge", True, "5 MB"),
        ("/bomb", True, "5 MB"),
        ("/sample", False, "address"),
    ],
)
async def test_bad_urls_get_one_line(server: str, path: str, allow_private: bool,
                                     expected: str) -> None:
    code, out, err = await run_cli("preview", server + path, allow_private=allow_private)
    assert code != 0
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and expected in err


async def test_text_url(server: str) -> None:
    code, out, err = await run_cli("preview", server + "/sample", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["url"] == server + "/sample"
    assert len(data["arguments"]) == 3


async def test_unreachable_url() -> None:
    # Port 9 on loopback (discard) is closed on this machine: connection refused, not a hang.
    code, _, err = await run_cli("preview", "http://127.0.0.1:9/feed")
    assert code != 0
    assert "Traceback" not in err and err.count("\n") == 1
    assert "127.0.0.1:9" in err
