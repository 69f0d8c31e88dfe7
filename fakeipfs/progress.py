"""Progress bars on stderr, drawn the way kubo's CLI draws them.

kubo renders transfers with cheggaaa/pb v3 (core/commands/cmdenv/progress.go
``ProgressBarFullTemplate``: ``{{counters}} {{bar}} {{speed "%s/s" "?/s"}} {{percent}}
{{rtime "ETA %s" "%s" "ETA ?"}}``); before the total is known, ``ipfs add`` shows only the
counter and the speed (core/commands/add.go ``progressBarInitTemplate``). Frames are redrawn in
place with ``\\r``; ``ipfs add`` clears the line with ``ESC[2K\\r`` before each ``added`` line.

This is a small, dependency-free imitation: same fields, same byte units (pb's IEC units with
two decimals), redrawn at most every ``interval`` seconds.
"""
from __future__ import annotations

import io
import shutil
import time
from typing import BinaryIO, Callable, Optional, TextIO

CLEAR_LINE = "\033[2K\r"  # core/commands/add.go, core/commands/get.go clearlineReader

_UNITS = (("EiB", 1 << 60), ("PiB", 1 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30),
          ("MiB", 1 << 20), ("KiB", 1 << 10))


def format_bytes(n: float) -> str:
    """pb v3 ``formatBytes(i, useSIPrefix=false)``: ``512 B``, ``1.50 KiB``, ``10.00 MiB``."""
    for unit, size in _UNITS:
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{int(n)} B"


def format_duration(seconds: float) -> str:
    """Go ``time.Duration.String`` of whole seconds (pb rounds ETAs to seconds): ``1h2m3s``."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


class ProgressBar:
    """A pb-v3-like bar: ``add`` bytes, ``set_total`` when known, ``finish`` at the end."""

    def __init__(self, out: TextIO, total: int = 0, *, interval: float = 0.1,
                 clock: Callable[[], float] = time.monotonic, width: Optional[int] = None) -> None:
        self.out = out
        self.total = total
        self.current = 0
        self.interval = interval
        self.clock = clock
        self.width = width
        self.started = clock()
        self._last_draw = float("-inf")
        self._last_len = 0
        self.finished = False

    # --- state --------------------------------------------------------------------------------

    def add(self, n: int) -> None:
        self.current += n
        self.render()

    def set_total(self, total: int) -> None:
        self.total = total

    # --- drawing ------------------------------------------------------------------------------

    def _columns(self) -> int:
        if self.width is not None:
            return self.width
        return shutil.get_terminal_size((80, 24)).columns

    def frame(self) -> str:
        """The text of one frame (without the leading ``\\r``)."""
        elapsed = max(self.clock() - self.started, 1e-9)
        speed = self.current / elapsed if self.current else 0.0
        speed_text = f"{format_bytes(speed)}/s" if speed else "?/s"
        if self.total <= 0:
            return f"{format_bytes(self.current)} {speed_text}"
        counters = f"{format_bytes(self.current)} / {format_bytes(self.total)}"
        ratio = min(self.current / self.total, 1.0)
        percent = f"{ratio * 100:.2f}%"
        if self.finished:
            rtime = format_duration(elapsed)
        elif speed:
            rtime = "ETA " + format_duration(max(self.total - self.current, 0) / speed)
        else:
            rtime = "ETA ?"
        fixed = f"{counters}  {speed_text} {percent} {rtime}"
        bar_width = max(self._columns() - len(fixed) - 3, 10)
        inner = bar_width - 2
        filled = int(inner * ratio)
        if filled >= inner:
            bar = "-" * inner
        else:
            bar = "-" * filled + ">" + "_" * (inner - filled - 1)
        return f"{counters} [{bar}] {speed_text} {percent} {rtime}"

    def render(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        text = self.frame()
        pad = " " * max(self._last_len - len(text), 0)
        self._last_len = len(text)
        self.out.write("\r" + text + pad)
        self.out.flush()

    def clear(self) -> None:
        """Erase the bar's line (kubo writes ``ESC[2K\\r`` before printing other lines)."""
        self.out.write(CLEAR_LINE)
        self.out.flush()
        self._last_len = 0
        self._last_draw = float("-inf")

    def finish(self) -> None:
        """Draw the final frame and end its line, as pb's ``Finish`` does."""
        if self.total <= 0 and self.current:
            self.total = self.current  # add.go: "treat the observed bytes as the total"
        self.finished = True
        self.render(force=True)
        self.out.write("\n")
        self.out.flush()


class CountingReader(io.RawIOBase):
    """A binary stream that reports each read's length to ``on_read`` (for progress)."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._stream = stream
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        if data:
            self._on_read(len(data))
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            super().close()
