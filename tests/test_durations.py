"""Go ``time.ParseDuration`` (the cases of Go's time_test.go ``parseDurationTests``)."""
from __future__ import annotations

import pytest

from fakeipfs.durations import parse_duration


@pytest.mark.parametrize("text, nanos", [
    ("0", 0), ("5s", 5_000_000_000), ("30s", 30_000_000_000), ("1478s", 1_478_000_000_000),
    ("-5s", -5_000_000_000), ("+5s", 5_000_000_000), ("-0", 0), ("5.0s", 5_000_000_000),
    ("5.6s", 5_600_000_000), ("5.s", 5_000_000_000), (".5s", 500_000_000), ("1.004s", 1_004_000_000),
    ("100.00100s", 100_001_000_000), ("10ns", 10), ("11us", 11_000), ("12\u00b5s", 12_000),
    ("12\u03bcs", 12_000), ("13ms", 13_000_000), ("14s", 14_000_000_000), ("15m", 900_000_000_000),
    ("16h", 57_600_000_000_000), ("3h30m", 12_600_000_000_000), ("10.5s4m", 250_500_000_000),
    ("-2m3.4s", -123_400_000_000), ("1h2m3s4ms5us6ns", 3_723_004_005_006), ("24h", 86_400_000_000_000),
])
def test_parse(text, nanos):
    assert parse_duration(text) == nanos


@pytest.mark.parametrize("text, message", [
    ("", 'time: invalid duration ""'), ("3", 'time: missing unit in duration "3"'),
    ("-", 'time: invalid duration "-"'), ("s", 'time: invalid duration "s"'),
    (".", 'time: invalid duration "."'), ("-.", 'time: invalid duration "-."'),
    (".s", 'time: invalid duration ".s"'), ("+.s", 'time: invalid duration "+.s"'),
    ("1d", 'time: unknown unit "d" in duration "1d"'),
    ("9223372036854775810ns", 'time: invalid duration "9223372036854775810ns"'),
])
def test_parse_errors(text, message):
    with pytest.raises(ValueError) as exc:
        parse_duration(text)
    assert str(exc.value) == message
