"""The emulator's faults as a client meets them: aimed at one route, a response lost after the
call was carried out, a gateway close that ends the session, a reconnect held up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from bot.emulator import Emulator
from tests.emulator import harness
from tests.emulator.harness import RawGateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

MESSAGES = "/channels/{channel_id}/messages"
MESSAGE = "/channels/{channel_id}/messages/{message_id}"


class Setup(harness.Setup):
    def __init__(self, emu: Emulator, http: aiohttp.ClientSession) -> None:
        super().__init__(emu, http, "Fault Guild", "faults")
        self.auth = {"Authorization": f"Bot {emu.token}"}

    async def call(self, method: str, path: str, body: object = None) -> int:
        async with self.http.request(method, self.emu.rest_url + path, json=body,
                                     headers=self.auth) as response:
            await response.read()
            return response.status

    async def send(self, content: str) -> int:
        return await self.call("POST", f"/channels/{self.channel.id}/messages",
                               {"content": content})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def setup() -> AsyncIterator[Setup]:
    emu = Emulator(token="fault-token")
    await emu.start()
    async with aiohttp.ClientSession() as http:
        yield Setup(emu, http)
    await emu.stop()


async def test_a_5xx_aimed_at_one_route_spares_the_others(setup: Setup) -> None:
    assert await setup.send("first") == 200
    message = setup.emu.messages(setup.channel)[-1]
    setup.emu.inject_5xx(2, 503, route=MESSAGE, method="PATCH")
    edit = f"/channels/{setup.channel.id}/messages/{message.id}"
    # Other routes, and other methods on the route, go through.
    assert await setup.send("second") == 200
    assert await setup.call("GET", edit) == 200
    assert [await setup.call("PATCH", edit, {"content": "x"}) for _ in range(3)] == \
        [503, 503, 200]
    assert setup.emu.message(message.id).content == "x"


async def test_a_429_aimed_at_one_route_spares_the_others(setup: Setup) -> None:
    setup.emu.force_429(1, 0.05, route=MESSAGES, method="POST")
    assert await setup.call("GET", f"/channels/{setup.channel.id}") == 200
    assert await setup.send("refused") == 429
    assert await setup.send("accepted") == 200


async def test_a_lost_response_leaves_the_call_carried_out(setup: Setup) -> None:
    before = len(setup.emu.messages(setup.channel))
    setup.emu.lose_responses(1, route=MESSAGES, method="POST")
    with pytest.raises(aiohttp.ClientError):
        await setup.send("sent, but never confirmed")
    # Discord acted: the message is there, and the call is marked lost.
    assert [m.content for m in setup.emu.messages(setup.channel)[before:]] == \
        ["sent, but never confirmed"]
    assert setup.emu.requests_to(MESSAGES, "POST")[-1].lost
    assert await setup.send("the next one is answered") == 200


async def connected(setup: Setup) -> tuple[RawGateway, str, int]:
    gw = await RawGateway.connect(setup.http, setup.emu)
    ready = await gw.identify(setup.emu.token)
    last = (await gw.recv_dispatch("GUILD_CREATE"))["s"]
    return gw, ready["d"]["session_id"], last


@pytest.mark.parametrize(("code", "resumable"), [(4009, None), (4000, False)])
async def test_a_close_that_ends_the_session_refuses_the_resume(
    setup: Setup, code: int, resumable: bool | None
) -> None:
    emu = setup.emu
    gw, session_id, last = await connected(setup)
    await emu.drop_gateway(code=code, resumable=resumable)
    with pytest.raises(ConnectionError):
        await gw.recv()
    assert gw.ws.close_code == code
    # A click while the session is gone never reaches the bot.
    lost = await emu.run_slash_command(setup.member, setup.channel, "ping", {"text": "x"})
    again = await RawGateway.connect(setup.http, emu)
    assert (await again.recv())["op"] == 10
    await again.send(6, {"token": emu.token, "session_id": session_id, "seq": last})
    assert await again.recv() == {"op": 9, "d": False, "s": None, "t": None}
    await again.close()
    assert lost.id not in emu.gateway.delivered_interactions


async def test_a_held_reconnect_collects_clicks_for_its_resume(setup: Setup) -> None:
    emu = setup.emu
    gw, session_id, last = await connected(setup)
    emu.hold_gateway()
    await emu.drop_gateway()  # resumable
    with pytest.raises(ConnectionError):
        await gw.recv()
    pending = asyncio.ensure_future(RawGateway.connect(setup.http, emu))
    again = await pending
    # The socket is open but the emulator holds it: the clicks pile up meanwhile.
    records = [await emu.run_slash_command(setup.member, setup.channel, "ping", {"text": t})
               for t in ("a", "b")]
    hello = asyncio.ensure_future(again.recv())
    await asyncio.sleep(0)
    assert not hello.done()
    emu.release_gateway()
    assert (await hello)["op"] == 10
    await again.send(6, {"token": emu.token, "session_id": session_id, "seq": last})
    replayed = [await again.recv() for _ in records]
    assert [f["d"]["id"] for f in replayed] == [str(r.id) for r in records]
    assert {r.id for r in records} <= emu.gateway.delivered_interactions
    await again.close()
