"""The framework's floor: a bare Textual app (a Header, a Static and a Footer), measured the way
`benchmarks.probe` measures reader, in a fresh process (run by benchmarks/run.py).

    python -m benchmarks.floor LAUNCH_EPOCH

Prints one JSON line: seconds from process launch to the first paint of the Static's text, and
to the end of the frame it is in.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def main(launched: float) -> dict:
    from textual._compositor import Compositor
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    painted: list[float] = []
    composed: list[float] = []  # when the frame holding the first paint was composed
    render_update = Compositor.render_update

    def frame_spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = render_update(self, *args, **kwargs)
        if painted and not composed:
            composed.append(time.time())
        return result

    Compositor.render_update = frame_spy  # type: ignore[method-assign]

    class Body(Static):
        def render_line(self, y: int):  # type: ignore[no-untyped-def]
            if not painted:
                painted.append(time.time())
            return super().render_line(y)

    class Bare(App[None]):
        BINDINGS = [("q", "quit", "Quit")]

        def compose(self) -> ComposeResult:
            yield Header()
            yield Body("hello")
            yield Footer()

    async with Bare().run_test(size=(160, 48)):
        while not composed:
            await asyncio.sleep(0.002)
    return {"first_paint_s": painted[0] - launched, "first_frame_s": composed[0] - launched}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(float(sys.argv[1])))))
