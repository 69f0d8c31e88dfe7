"""``--chunker`` strings: boxo chunker/parse.go ``FromString``, with kubo's exact errors."""
from __future__ import annotations

import io

import pytest

from vectorlib import ShortReader
from fakeipfs.errors import InvalidArgument
from fakeipfs.unixfs import chunker
from fakeipfs.unixfs.chunker.buzhash import Buzhash
from fakeipfs.unixfs.chunker.fixed import SizeSplitter
from fakeipfs.unixfs.chunker.rabin import Rabin


@pytest.mark.parametrize("spec, error", [
    ("size-0", "chunker size must be greater than 0"),
    ("size--5", "incorrect chunker string format (expected size-{size})"),  # Split gives 3 parts
    ("size-+0", "chunker size must be greater than 0"),
    ("size-1048577", "chunker parameters may not exceed the maximum chunk size of 1048576"),
    ("size-abc", 'strconv.Atoi: parsing "abc": invalid syntax'),
    ("size-", 'strconv.Atoi: parsing "": invalid syntax'),
    ("size-1-2", "incorrect chunker string format (expected size-{size})"),
    ("foo", "unrecognized chunker option: foo"),
    ("Size-10", "unrecognized chunker option: Size-10"),
    ("rabin-1-2", "incorrect format (expected 'rabin' 'rabin-[avg]' or 'rabin-[min]-[avg]-[max]'"),
    ("rabin-8-32-64", "rabin min must be greater than 16"),
    ("rabin-64-32-128", "incorrect format: rabin-min must be smaller than rabin-avg"),
    ("rabin-16-64-64", "incorrect format: rabin-avg must be smaller than rabin-max"),
    ("rabin-16-32-2000000", "chunker parameters may not exceed the maximum chunk size of 1048576"),
    ("rabin-700000", "chunker parameters may not exceed the maximum chunk size of 1048576"),
    ("rabin-max:16-32-64", "first label must be min"),
    ("rabin-16-max:32-64", "second label must be avg"),
    ("rabin-16-32-avg:64", "final label must be max"),
])
def test_bad_chunker_strings_get_kubos_error(spec: str, error: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        chunker.validate(spec)
    assert str(info.value) == error


def test_limit_follows_the_emulated_version() -> None:
    """docs/changelogs/v0.40.md: the limit became 2MiB - 256 bytes."""
    chunker.validate("size-2096896", "0.40.0")
    with pytest.raises(InvalidArgument, match="maximum chunk size of 2096896$"):
        chunker.validate("size-2096897", "0.40.0")
    with pytest.raises(InvalidArgument, match="maximum chunk size of 1048576$"):
        chunker.validate("size-2096896", "0.39.0")


@pytest.mark.parametrize("spec, kind, bounds", [
    ("", SizeSplitter, 262144), ("default", SizeSplitter, 262144), ("size-1000", SizeSplitter, 1000),
    ("size-1048576", SizeSplitter, 1048576),
    ("rabin", Rabin, (87381, 262144, 393216)), ("rabin-4096", Rabin, (1365, 4096, 6144)),
    ("rabin-16-32-64", Rabin, (16, 32, 64)), ("rabin-min:16-avg:32-max:64", Rabin, (16, 32, 64)),
    ("buzhash", Buzhash, None),
])
def test_valid_strings_build_kubos_splitter(spec: str, kind: type, bounds) -> None:
    splitter = chunker.from_string(io.BytesIO(b""), spec)
    assert isinstance(splitter, kind)
    if kind is SizeSplitter:
        assert splitter.size == bounds
    elif kind is Rabin:
        assert (splitter.min_size, splitter.avg_size, splitter.max_size) == bounds


def test_fixed_chunks_ignore_short_reads() -> None:
    data = bytes(range(256)) * 40
    chunks = list(chunker.from_string(ShortReader(data, seed=0, sizes=(7,)), "size-1000"))
    assert [len(c) for c in chunks] == [1000] * 10 + [240]
    assert b"".join(chunks) == data
    assert list(chunker.from_string(io.BytesIO(b""), "size-10")) == []
