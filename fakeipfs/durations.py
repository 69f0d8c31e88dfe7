"""Go ``time.ParseDuration``: what kubo's ``--lifetime``, ``--ttl`` and ``--dht-timeout`` options
and the config's ``Duration`` values go through.

Errors are Go's (``time: invalid duration "x"``, ``time: missing unit in duration "1"``,
``time: unknown unit "x" in duration "1x"``), quoted as Go 1.15+ quotes them.
"""
from __future__ import annotations

from fractions import Fraction

from .errors import _go_quote

#: nanoseconds per unit (time/format.go ``unitMap``)
UNITS = {"ns": 1, "us": 1_000, "\u00b5s": 1_000, "\u03bcs": 1_000, "ms": 1_000_000,
         "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}
_MAX = (1 << 63) - 1


def parse_duration(text: str) -> int:
    """``time.ParseDuration``: nanoseconds; ``ValueError`` with Go's message."""
    original, s = text, text
    invalid = ValueError(f"time: invalid duration {_go_quote(original)}")
    negative = False
    if s[:1] in "+-" and s:
        negative = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise invalid
    total = Fraction(0)
    while s:
        i = 0
        while i < len(s) and s[i].isdigit():
            i += 1
        whole, s = s[:i], s[i:]
        frac = ""
        if s.startswith("."):
            j = 1
            while j < len(s) and s[j].isdigit():
                j += 1
            frac, s = s[1:j], s[j:]
        if not whole and not frac:
            raise invalid
        j = 0
        while j < len(s) and s[j] != "." and not s[j].isdigit():
            j += 1
        unit, s = s[:j], s[j:]
        if not unit:
            raise ValueError(f"time: missing unit in duration {_go_quote(original)}")
        if unit not in UNITS:
            raise ValueError(f"time: unknown unit {_go_quote(unit)} in duration {_go_quote(original)}")
        value = Fraction(int(whole or "0")) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)
        total += value * UNITS[unit]
        if total > _MAX:
            raise invalid
    nanos = int(total)
    return -nanos if negative else nanos
