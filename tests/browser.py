"""A real browser for the tests: headless Chromium driven over the DevTools protocol.

Only what the page tests need: open a local file at a given viewport (a phone's, a desktop's)
in the light or dark scheme, evaluate an expression in it, take a screenshot. Chromium's own
``--window-size`` has a floor of 500 pixels in headless mode, so phone widths are set by device
emulation, as DevTools does. The protocol is JSON over a websocket (aiohttp's client), so no
driver package is needed; the browser is Debian's ``chromium`` and the tests that use it skip
where it is not installed.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import tempfile
from types import TracebackType
from typing import Any

import aiohttp

#: How long the browser may take to start or to answer one command before the test fails:
#: a guard against a hang, not a speed requirement.
PATIENCE_SECONDS = 60.0


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with one page (``async with Browser() as browser``)."""

    def __init__(self) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="counterpoint-chromium-")
        self._process: asyncio.subprocess.Process | None = None
        self._http: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._events: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def __aenter__(self) -> Browser:
        binary = chromium_path()
        if binary is None:
            raise RuntimeError("chromium is not installed")
        self._process = await asyncio.create_subprocess_exec(
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--remote-debugging-port=0", f"--user-data-dir={self._profile.name}",
            "about:blank", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        port = await asyncio.wait_for(self._devtools_port(), PATIENCE_SECONDS)
        self._http = aiohttp.ClientSession()
        async with self._http.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json()
        page = next(t for t in targets if t["type"] == "page")
        self._socket = await self._http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        self._reader = asyncio.create_task(self._read())
        await self.send("Page.enable")
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._socket is not None:
            await self._socket.close()
            await self._reader
        if self._http is not None:
            await self._http.close()
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        self._profile.cleanup()

    async def _devtools_port(self) -> int:
        # Chromium says where DevTools listens on stderr once it is ready.
        assert self._process is not None and self._process.stderr is not None
        async for raw in self._process.stderr:
            line = raw.decode(errors="replace")
            if "DevTools listening on ws://" in line:
                return int(line.split("ws://127.0.0.1:")[1].split("/")[0])
        raise RuntimeError("chromium exited before DevTools was listening")

    async def _read(self) -> None:
        assert self._socket is not None
        async for message in self._socket:
            data = json.loads(message.data)
            key = str(data["id"]) if "id" in data else data.get("method", "")
            waiter = self._events.pop(key, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(data)

    def _expect(self, key: str) -> asyncio.Future[dict[str, Any]]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._events[key] = future
        return future

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        assert self._socket is not None
        call_id = next(self._ids)
        answer = self._expect(str(call_id))
        await self._socket.send_json({"id": call_id, "method": method, "params": params})
        data = await asyncio.wait_for(answer, PATIENCE_SECONDS)
        if "error" in data:
            raise RuntimeError(f"{method}: {data['error']}")
        result: dict[str, Any] = data["result"]
        return result

    async def open(self, url: str, *, width: int, height: int, mobile: bool,
                   dark: bool = False) -> None:
        """Show ``url`` (a ``file:`` URL, say) in a viewport of ``width`` x ``height`` CSS
        pixels."""
        await self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                        deviceScaleFactor=1, mobile=mobile)
        await self.send("Emulation.setEmulatedMedia", features=[
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])
        loaded = self._expect("Page.loadEventFired")
        await self.send("Page.navigate", url=url)
        await asyncio.wait_for(loaded, PATIENCE_SECONDS)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"the page's script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def screenshot(self) -> bytes:
        """The whole page, top to bottom, as a PNG."""
        shot = await self.send("Page.captureScreenshot", format="png",
                               captureBeyondViewport=True)
        return base64.b64decode(shot["data"])
