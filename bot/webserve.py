"""A small local web server on aiohttp: the sandbox's feed site and the health pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def serve(routes: Mapping[str, Handler], host: str = "127.0.0.1",
                port: int = 0) -> tuple[web.AppRunner, int]:
    """Serve GET ``routes`` (path → handler) at ``host:port``; the runner (to ``cleanup()``)
    and the port it got, an ephemeral one for 0."""
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, int(runner.addresses[0][1])
