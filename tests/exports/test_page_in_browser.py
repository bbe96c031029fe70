"""The debate page as a reader sees it, in a real browser (headless Chromium), on a phone and on
a desktop, in the light and the dark scheme. Screenshots are kept in the test's temporary
directory (``--basetemp`` to keep them somewhere to look at)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.exports import read_debate, to_html
from bot.store import Store
from tests.browser import Browser, chromium_path
from tests.debate.helpers import GUILD, T0
from tests.exports.debate import HOSTILE, MESSAGE_BASE, THREAD_BASE, make_debate

pytestmark = pytest.mark.skipif(
    chromium_path() is None, reason="chromium is not installed (Debian: apt-get install chromium)")

VIEWPORTS = [
    pytest.param(390, 844, True, False, id="phone-light"),
    pytest.param(390, 844, True, True, id="phone-dark"),
    pytest.param(1280, 800, False, False, id="desktop-light"),
    pytest.param(1280, 800, False, True, id="desktop-dark"),
]

# What the reader gets: the page's width against the viewport, every argument and contribution
# with its box and text, every link, and the contrast of the text against its background.
MEASURE = r"""(() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height}; };
  const shown = e => { const s = getComputedStyle(e);
    return s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity) > 0; };
  const rgb = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const background = e => { for (; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (!c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; }
    return 'rgb(255, 255, 255)'; };
  const worst = [...document.querySelectorAll('p, h1, h2, h3, a, span, li, time')]
    .filter(e => e.textContent.trim())
    .map(e => ({text: e.textContent.trim().slice(0, 40),
                ratio: contrast(getComputedStyle(e).color, background(e))}))
    .sort((a, b) => a.ratio - b.ratio)[0];
  return {
    viewport: innerWidth,
    pageWidth: document.documentElement.scrollWidth,
    widest: Math.max(...[...document.body.querySelectorAll('*')].map(e => box(e).right)),
    // Everything but the skip link (off screen until focused) starts inside the page.
    leftmost: Math.min(...[...document.body.querySelectorAll('*:not(.skip)')]
      .map(e => box(e).left)),
    arguments: [...document.querySelectorAll('main section[id^="argument-"]')].map(s => ({
      heading: s.querySelector('h2').textContent, box: box(s), shown: shown(s)})),
    contributions: [...document.querySelectorAll('article.contribution')].map(a => ({
      id: a.id, text: a.innerText, box: box(a), shown: shown(a)})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    worst,
  };
})()"""


# The page is the same whichever store it was read from (tests/exports/test_formats.py runs on
# both); one backend is enough here.
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("width", "height", "mobile", "dark"), VIEWPORTS)
async def test_a_reader_sees_every_argument_and_counter_on_any_screen(
        store: Store, tmp_path: Path, width: int, height: int, mobile: bool,
        dark: bool) -> None:
    debate = await make_debate(store)
    record = await read_debate(store, GUILD, debate.world.piece.id, now=T0)
    page = tmp_path / "debate.html"
    page.write_text(to_html(record), encoding="utf-8")
    async with Browser() as browser:
        await browser.open(page.as_uri(), width=width, height=height, mobile=mobile, dark=dark)
        seen: dict[str, Any] = await browser.evaluate(MEASURE)
        shot = await browser.screenshot()
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000  # a page was drawn, not a blank
    (tmp_path / f"debate-{width}-{'dark' if dark else 'light'}.png").write_bytes(shot)

    # Nothing runs off the side: no sideways scrolling, however deep the replies nest.
    assert seen["viewport"] == width
    assert seen["pageWidth"] <= width
    assert seen["widest"] <= width + 0.5
    assert seen["leftmost"] >= 0

    assert [a["heading"] for a in seen["arguments"]] == [
        "1. Reason 1", "2. Reason 2", "3. Reason 3"]
    for item in seen["arguments"] + seen["contributions"]:
        assert item["shown"] and item["box"]["width"] > 0 and item["box"]["height"] > 0, item
        assert item["box"]["left"] >= 0, item
    texts = {c["id"]: c["text"] for c in seen["contributions"]}
    contributions = [*debate.chain, debate.withdrawn, debate.orphan_reply, debate.hostile]
    assert sorted(texts) == sorted(f"c{c.id}" for c in contributions)
    for contribution in contributions:
        text = texts[f"c{contribution.id}"]
        if contribution is debate.withdrawn:
            assert "[withdrawn by its author]" in text and contribution.body not in text
        else:
            # The member's words as written, the hostile ones included (line by line, since
            # the page keeps their line breaks).
            assert all(line in text for line in contribution.body.splitlines())
    assert HOSTILE.splitlines()[0] in texts[f"c{debate.hostile.id}"]

    # Links point to the threads and the messages, and to the piece; nowhere else.
    threads = {f"https://discord.com/channels/{GUILD}/{THREAD_BASE + n}" for n in (1, 2, 3)}
    messages = {f"https://discord.com/channels/{GUILD}/{THREAD_BASE + 1}/{MESSAGE_BASE + c.id}"
                for c in debate.chain}
    links = set(seen["links"])
    assert threads <= links and messages <= links
    assert "https://example.org/op-ed" in links
    assert {link for link in links if "evil.example" in link} == set()

    # WCAG AA for body text, in this scheme, for the least contrasting text on the page.
    assert seen["worst"]["ratio"] >= 4.5, seen["worst"]
