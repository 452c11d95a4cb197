"""Ticking steps in a real browser, with JavaScript off and on, as a reader sees it.

Nothing here names the live content: the checklist is whichever built
article has both a step without sub-items and a step with them, and its
steps are read from the page. What is asserted is what shows: the text of
the counters (from the layout tree, CSS-generated content included) and the
filled pixels of the progress bar, read from a screenshot.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from .conftest import rendered_text, screenshot, twin

DONE_COLOUR = (0x1E, 0x6B, 0x34)  # --hc-done-colour in helpcentre.css


def article_with_both_kinds(site: "Path") -> str:
    """The address of a built article with a step without sub-items and one with them."""
    for page in sorted(site.glob("help/*/*/index.html")):
        if "feedback" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        if "hc-step--parent" in text and 'class="hc-label hc-label--step"' in text:
            return page.parent.relative_to(site).as_posix() + "/"
    pytest.fail("no built article has both a plain step and a step with sub-items")


@pytest.fixture
def article(built_site) -> str:
    return article_with_both_kinds(built_site)


def steps(page) -> list[dict]:
    """Each step of the page: its id, its own box (if any), its required and optional sub-items."""
    return page.evaluate("""() => [...document.querySelectorAll('ol.hc-steps > li.hc-step')].map(li => ({
        id: li.id,
        box: li.querySelector(':scope > .hc-step__text > input.hc-check')?.id || null,
        required: [...li.querySelectorAll('li.hc-item:not(.hc-item--optional) input.hc-check')].map(i => i.id),
        optional: [...li.querySelectorAll('li.hc-item.hc-item--optional input.hc-check')].map(i => i.id),
    }))""")


def count(page, lang="en") -> tuple[int, int]:
    pattern = r"Steps done: (\d+) of (\d+)" if lang == "en" else r"Étapes terminées\u00a0: (\d+) sur (\d+)"
    found = re.search(pattern, rendered_text(page))
    assert found, "no progress counter on the page"
    return int(found.group(1)), int(found.group(2))


def filled(page) -> float:
    """The share of the bar's track painted in the "done" colour, from a screenshot."""
    track = page.locator(".hc-progress__track")
    track.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(track.screenshot())).convert("RGB")
    inner = image.crop((2, 2, image.width - 2, image.height - 2))  # inside the border
    pixels = list(inner.getdata())
    done = sum(1 for p in pixels if all(abs(a - b) <= 24 for a, b in zip(p, DONE_COLOUR)))
    return done / len(pixels)


def shown(page, step_id: str, part: str) -> bool:
    return page.evaluate(f"""() => {{
        const el = document.querySelector('#{step_id} > .hc-step__text > .{part}');
        return !!el && getComputedStyle(el).display !== 'none';
    }}""")


def subcount(page, step_id: str) -> str:
    """The text a step's sub-item count shows (CSS-generated), read from the layout tree."""
    cdp = page.context.new_cdp_session(page)
    snapshot = cdp.send("DOMSnapshot.captureSnapshot", {"computedStyles": []})
    cdp.detach()
    strings = snapshot["strings"]
    nodes = snapshot["documents"][0]["nodes"]
    parents = nodes["parentIndex"]
    attributes = nodes["attributes"]

    def attrs(index):
        values = attributes[index]
        return {strings[values[i]]: strings[values[i + 1]] for i in range(0, len(values), 2)}

    def inside_step(index):
        while index >= 0:
            if attrs(index).get("id") == step_id:
                return True
            index = parents[index]
        return False

    counters = {i for i in range(len(parents)) if "hc-subcount" in attrs(i).get("class", "").split() and inside_step(i)}
    layout = snapshot["documents"][0]["layout"]
    texts = [strings[t] for node, t in zip(layout["nodeIndex"], layout["text"])
             if t >= 0 and (node in counters or parents[node] in counters or parents[parents[node]] in counters)]
    return "".join(texts)


def tick(page, box_id: str) -> None:
    page.click(f"label[for={box_id}]")


def test_the_bar_fills_and_the_counter_follows_as_steps_are_ticked(context, site_url, article):
    page = context.new_page()
    page.goto(site_url + article)
    all_steps = steps(page)
    total = len(all_steps)
    assert count(page) == (0, total)
    assert filled(page) < 0.01

    plain = next(s for s in all_steps if s["box"])
    tick(page, plain["box"])
    assert count(page) == (1, total)
    one = filled(page)
    assert one == pytest.approx(1 / total, abs=0.04), "the bar shows one step in colour"
    assert shown(page, plain["id"], "hc-status")

    # A step with sub-items: its own count moves with each tick, "Done" when the required ones are.
    parent = next(s for s in all_steps if s["required"])
    need = len(parent["required"])
    assert f"0 of {need} ticked" in subcount(page, parent["id"])
    for index, box in enumerate(parent["required"][:-1], 1):
        tick(page, box)
        assert f"{index} of {need} ticked" in subcount(page, parent["id"])
    assert count(page) == (1, total) and not shown(page, parent["id"], "hc-status")
    tick(page, parent["required"][-1])
    assert count(page) == (2, total)
    assert shown(page, parent["id"], "hc-status") and not shown(page, parent["id"], "hc-subcount")
    two = filled(page)
    assert two > one and two == pytest.approx(2 / total, abs=0.04)
    screenshot(page, f"progress-en-{'js' if context.js else 'nojs'}")

    tick(page, parent["required"][0])  # untick one: the step is no longer done, the bar shrinks
    assert count(page) == (1, total) and not shown(page, parent["id"], "hc-status")
    assert filled(page) == pytest.approx(one, abs=0.02)


def test_keyboard_ticks_with_space_and_shows_a_focus_ring(context, site_url, article):
    page = context.new_page()
    page.goto(site_url + article)
    boxes = page.evaluate("() => [...document.querySelectorAll('input.hc-check')].map(i => i.id)")
    page.focus(f"#{boxes[0]}")
    page.keyboard.press("Space")
    assert page.evaluate(f"() => document.getElementById('{boxes[0]}').checked")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.id")
    assert focused == boxes[1] or page.evaluate("() => document.activeElement.tagName") == "A"  # a footnote mark may come first
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_french_counters_are_french(context, site_url, article, built_site):
    page = context.new_page()
    page.goto(site_url + twin(built_site, article, "fr"))
    all_steps = steps(page)
    assert count(page, "fr") == (0, len(all_steps))
    plain = next(s for s in all_steps if s["box"])
    tick(page, plain["box"])
    assert count(page, "fr") == (1, len(all_steps))
    assert page.evaluate(f"() => document.querySelector('#{plain['id']} .hc-status').textContent") == "Terminée"
    parent = next(s for s in all_steps if s["required"])
    assert f"0 sur {len(parent['required'])} cochées" in subcount(page, parent["id"])


def test_the_page_says_what_is_kept_without_scripts(context, site_url, article, built_site):
    page = context.new_page()
    for url, words in ((article, "not saved when you leave or reload"), (twin(built_site, article, "fr"), "ne sont pas enregistrées")):
        page.goto(site_url + url)
        assert words in page.inner_text(".hc-progress")


def test_boxes_and_step_numbers_share_a_line(context, site_url, article):
    """The list number and the step's box are on one line (the review saw numbers below their boxes)."""
    page = context.new_page()
    page.goto(site_url + article)
    plain = next(s for s in steps(page) if s["box"])
    box = page.locator(f"#{plain['box']}").bounding_box()
    text_top = page.evaluate(f"""() => {{
        const range = document.createRange();
        const label = document.querySelector('label[for={plain["box"]}]');
        range.selectNodeContents(label);
        return range.getClientRects()[0].top;
    }}""")
    box_middle = box["y"] + box["height"] / 2
    line_height = page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector('label[for={plain['box']}]')).lineHeight)")
    assert text_top <= box_middle <= text_top + line_height, (box, text_top, line_height)
