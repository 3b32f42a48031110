"""Screenshot baselines: the first screen of every page kind at 390 and 1280 px, light and dark,
compared with a small tolerance against tests/browser/baselines/.

After an intended visual change (or a content edit that changes a first screen), regenerate them:

    UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/browser/test_visual.py

and look at the new PNGs before committing them. A failure writes the screenshot, the baseline
and a difference image to test-artifacts/visual/.

Baselines are stored small: greyscale at half the pixel size of the viewport (a layout, spacing,
type or colour change still shows; sub-pixel anti-aliasing differences between Chromium builds
mostly average out).
"""
from __future__ import annotations

import io
import os

import pytest
from PIL import Image, ImageChops

from browser_support import PAGES, REPO

BASELINES = REPO / "tests" / "browser" / "baselines"
ARTIFACTS = REPO / "test-artifacts" / "visual"
VIEWPORTS = {390: 844, 1280: 900}
UPDATE = os.environ.get("UPDATE_BASELINES") == "1"
LEVELS = 32  # a pixel differs when its grey level moved by more than this (of 255)
TOLERANCE = 0.006  # share of pixels that may differ (0.6 %: a word rewrapped, not a layout change)
REGENERATE = "UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/browser/test_visual.py"


def _reduce(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png)).convert("L")
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.BOX)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_first_screens_match_their_baselines(browser, base_url, width, scheme):
    ctx = browser.new_context(viewport={"width": width, "height": VIEWPORTS[width]}, color_scheme=scheme,
                              reduced_motion="reduce")
    failures = []
    try:
        page = ctx.new_page()
        for kind, path in PAGES.items():
            page.goto(base_url + path, wait_until="load")
            page.wait_for_load_state("networkidle")
            page.evaluate("() => document.fonts.ready")
            shot = _reduce(page.screenshot(animations="disabled", caret="hide"))
            name = f"{kind}-{width}-{scheme}.png"
            baseline_path = BASELINES / name
            if UPDATE:
                BASELINES.mkdir(parents=True, exist_ok=True)
                shot.save(baseline_path, optimize=True)
                continue
            if not baseline_path.is_file():
                failures.append(f"{name}: no baseline")
                continue
            baseline = Image.open(baseline_path).convert("L")
            if baseline.size != shot.size:
                failures.append(f"{name}: size {shot.size} against the baseline's {baseline.size}")
                continue
            diff = ImageChops.difference(shot, baseline).point(lambda level: 255 if level > LEVELS else 0)
            share = sum(diff.histogram()[255:]) / (shot.width * shot.height)
            if share > TOLERANCE:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                shot.save(ARTIFACTS / name)
                baseline.save(ARTIFACTS / name.replace(".png", "-baseline.png"))
                diff.save(ARTIFACTS / name.replace(".png", "-diff.png"))
                failures.append(f"{name}: {share:.2%} of pixels differ (see {ARTIFACTS.relative_to(REPO)}/)")
    finally:
        ctx.close()
    assert not failures, ("first screens changed:\n  " + "\n  ".join(failures) +
                          f"\nIf the change is intended, regenerate the baselines with\n  {REGENERATE}\n"
                          "and look at the new PNGs before committing them.")
