"""Regenerate screenshots/*.svg from the bundled seeds (headless; the same app factory as the CLI).

    python scripts/screenshots.py          # SVGs
    python scripts/screenshots.py --png    # also PNGs next to them (needs cairosvg)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from apphelpers import grown_db, open_file, seeded_app, settle  # noqa: E402

OUT = ROOT / "screenshots"


async def shoot(name: str, size: tuple[int, int], steps, grown: bool = False) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        if grown:  # seed 003 imported earlier with fewer comments, then as it is now
            grown_db(Path(tmp) / "db", Path(tmp))
        app = seeded_app(Path(tmp) / "db")
        async with app.run_test(size=size) as pilot:
            await steps(pilot)
            await settle(pilot)
            path = OUT / f"{name}.svg"
            app.save_screenshot(str(path))
            return path


async def list_article(pilot):
    await open_file(pilot, "003")
    await pilot.press("1")


async def comments(pilot):
    await open_file(pilot, "004")
    await pilot.press("3")
    pilot.app.screen.query_one("#comments").focus_comment(13)


async def search(pilot):
    await settle(pilot)
    await pilot.press("slash", *"trump ishiba")
    await settle(pilot)


async def help_(pilot):
    await settle(pilot)
    await pilot.press("question_mark")


async def narrow(pilot):
    await open_file(pilot, "000")
    await pilot.press("3")


async def new_comments(pilot):
    await open_file(pilot, "003")
    await pilot.press("3", "right_square_bracket")


async def coverage(pilot):
    """The list grouped by coverage (C), a story open with "Also covered by" under its title."""
    await settle(pilot)
    await pilot.press("C")
    await settle(pilot)
    await open_file(pilot, "001")


async def story_stats(pilot):
    await open_file(pilot, "003")
    await pilot.press("3", "S")


async def archive_stats(pilot):
    await settle(pilot)
    await pilot.press("S")


async def compare(pilot):
    await open_file(pilot, "000")
    await pilot.press("D")


SHOTS = [
    ("list-article", (160, 48), list_article),
    ("comments-thread", (160, 48), comments),
    ("search", (120, 40), search),
    ("help", (120, 40), help_),
    ("narrow-comments", (80, 24), narrow),
    ("new-comments", (160, 48), new_comments, True),
    ("coverage", (160, 48), coverage),
    ("story-stats", (120, 40), story_stats),
    ("archive-stats", (120, 40), archive_stats),
    ("compare", (120, 40), compare),
]


def monospace_font() -> str:
    """An installed monospace family (fc-match), so the PNG's columns line up."""
    import subprocess

    try:
        out = subprocess.run(["fc-match", "-f", "%{family[0]}", "monospace"], capture_output=True, text=True,
                             timeout=10, check=False).stdout.strip()
    except OSError:
        out = ""
    return out or "DejaVu Sans Mono"


def to_png(svg: Path) -> Path:
    """The SVG as a PNG, drawn with a monospace font that is present (Textual asks for Fira Code,
    which is rarely installed: cairo would fall back to a proportional font)."""
    import re

    import cairosvg

    font = monospace_font()
    text = svg.read_text(encoding="utf-8")
    text = re.sub(r'font-family:\s*(?:"Fira Code"|Fira Code, monospace)', f'font-family: "{font}", monospace', text)
    png = svg.with_suffix(".png")
    cairosvg.svg2png(bytestring=text.encode(), write_to=str(png))
    return png


def main() -> None:
    OUT.mkdir(exist_ok=True)
    paths = [asyncio.run(shoot(*shot)) for shot in SHOTS]
    if "--png" in sys.argv:
        for p in paths:
            to_png(p)
    for p in paths:
        print(p.relative_to(ROOT))


if __name__ == "__main__":
    main()
