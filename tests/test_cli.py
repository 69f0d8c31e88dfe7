"""The ``fakeipfs`` command line: kubo's flags, texts and exit codes (fakeipfs/cli.py).

Most tests call :func:`fakeipfs.cli.main` in-process; a few run the installed console script.
Expected CIDs come from real kubo (tests/vectors/kubo-published.json, kubo's own tests), and
expected text from kubo's encoders (file:line in fakeipfs/cli.py docstrings).
"""
from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from multiformats import CID, multihash

from fakeipfs import Node
from fakeipfs import cli
from vectorlib import chacha_bytes, load

HELLO = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD"  # "hello world"
HELLO_V1 = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
MARS = "QmPrrHqJzto9m7SyiRzarwkqPcCSsKR2EB1AyqJfe8L8tN"
VENUS = "QmU5kp3BH3B8tnWUU2Pikdb2maksBNkb92FHRr56hyghh4"
PLANETS = "QmWSgS32xQEcXMeqd3YPJLrNBLSdsfYCep2U7CFkyrjXwY"

PUBLISHED = load("kubo-published.json")
HAS_DAG = hasattr(Node, "dag_put")


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch directory as cwd, with the repo at ``./repo`` (not created yet)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAKEIPFS_PATH", str(tmp_path / "repo"))
    monkeypatch.delenv("FAKEIPFS_KUBO_VERSION", raising=False)
    (tmp_path / "hw.txt").write_bytes(b"hello world")
    (tmp_path / "planets").mkdir()
    (tmp_path / "planets" / "mars.txt").write_text("Hello Mars!\n")
    (tmp_path / "planets" / "venus.txt").write_text("Hello Venus!\n")
    return tmp_path


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """``run(*argv, stdin=None) -> (exit code, stdout, stderr)``."""

    def go(*argv: str, stdin: "bytes | None" = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return go


def repo_state(repo: Path) -> tuple:
    """Every block file and the pin file, for "an error changed nothing" checks."""
    blocks = sorted((str(p.relative_to(repo)), p.read_bytes()) for p in (repo / "blocks").rglob("*") if p.is_file())
    pins = (repo / "pins.json").read_text() if (repo / "pins.json").exists() else None
    return blocks, pins


# --- add ------------------------------------------------------------------------------------


def test_add_only_hash_quieter(work: Path, run) -> None:
    assert run("add", "-Q", "-n", "hw.txt") == (0, HELLO + "\n", "")


def test_add_only_hash_creates_no_repo(work: Path, run) -> None:
    assert run("add", "-n", "hw.txt") == (0, f"added {HELLO} hw.txt\n", "")
    assert run("add", "--only-hash", "-r", "planets")[0] == 0
    assert not (work / "repo").exists()


@pytest.mark.parametrize("flags", [["--cid-version=1"], ["--cid-version", "1"], ["--cid-version=0x1"]])
def test_add_cid_version_1(work: Path, run, flags: list[str]) -> None:
    assert run("add", "-Q", "-n", *flags, "hw.txt") == (0, HELLO_V1 + "\n", "")


def test_add_recursive_directory(work: Path, run) -> None:
    code, out, err = run("add", "-r", "planets")
    assert (code, err) == (0, "")
    assert out == (f"added {MARS} planets/mars.txt\n"
                   f"added {VENUS} planets/venus.txt\n"
                   f"added {PLANETS} planets\n")


def test_add_quiet_and_quieter(work: Path, run) -> None:
    assert run("add", "-q", "-r", "planets") == (0, f"{MARS}\n{VENUS}\n{PLANETS}\n", "")
    assert run("add", "-Q", "-r", "planets") == (0, f"{PLANETS}\n", "")
    assert run("add", "--silent", "-r", "planets") == (0, "", "")


def test_add_file_arguments_sorted_by_name(work: Path, run) -> None:
    """go-ipfs-cmds cli/parse.go sorts file arguments by name."""
    assert run("add", "planets/venus.txt", "hw.txt") == (
        0, f"added {HELLO} hw.txt\nadded {VENUS} venus.txt\n", "")


def test_add_directory_without_r(work: Path, run) -> None:
    """go-ipfs-cmds cli/parse.go ``notRecursiveFmtStr`` (the path is cleaned first)."""
    expected = "Error: 'planets' is a directory, use the '-r' flag to specify directories\n"
    assert run("add", "planets") == (1, "", expected)
    assert run("add", "planets/") == (1, "", expected)
    assert not (work / "repo").exists()


def test_add_missing_file(work: Path, run) -> None:
    assert run("add", "nope.txt") == (1, "", "Error: lstat nope.txt: no such file or directory\n")


def test_add_stdin_is_named_by_its_cid(work: Path, run) -> None:
    """core/coreunix/add.go: an unnamed top-level file is reported under its own CID."""
    assert run("add", stdin=b"hello world") == (0, f"added {HELLO} {HELLO}\n", "")
    assert run("add", "-", stdin=b"hello world") == (0, f"added {HELLO} {HELLO}\n", "")
    assert run("add", "--stdin-name", "greeting", stdin=b"hello world") == (0, f"added {HELLO} greeting\n", "")


def test_add_stdin_name_keeps_default_cid_text_with_cid_base(work: Path, run) -> None:
    code, out, _ = run("add", "--cid-version=1", "--cid-base=base16", stdin=b"hello world")
    assert code == 0
    assert out == f"added {CID.decode(HELLO_V1).encode('base16')} {HELLO_V1}\n"


@pytest.mark.parametrize("flags, cid", [
    (["--cid-version=1", "--raw-leaves=false"], "bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa"),
    (["--cid-version=1", "--raw-leaves=FALSE"], "bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa"),
    (["--cid-version=1", "--raw-leaves=0"], "bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa"),
    (["--raw-leaves=true"], HELLO_V1),
    (["--raw-leaves"], HELLO_V1),
    (["--raw-leaves="], HELLO_V1),
])
def test_add_boolean_flag_forms(work: Path, run, flags: list[str], cid: str) -> None:
    assert run("add", "-Q", "-n", *flags, "hw.txt") == (0, cid + "\n", "")


def test_add_boolean_flag_never_takes_the_next_word(work: Path, run) -> None:
    """``--raw-leaves false`` is the flag plus a file named "false", as in go-ipfs-cmds."""
    assert run("add", "-n", "--raw-leaves", "false") == (1, "", "Error: lstat false: no such file or directory\n")
    assert run("add", "-n", "--raw-leaves=maybe", "hw.txt")[2].startswith(
        'Error: strconv.ParseBool: parsing "maybe": invalid syntax\n')


def test_add_short_flags_combined_and_after_arguments(work: Path, run) -> None:
    assert run("add", "-nQr", "planets") == (0, PLANETS + "\n", "")
    assert run("add", "planets", "-Q", "-r", "-n") == (0, PLANETS + "\n", "")
    assert run("add", "-r=false", "-n", "planets")[0] == 1


def test_add_pin_false(work: Path, run) -> None:
    assert run("add", "--pin=false", "hw.txt") == (0, f"added {HELLO} hw.txt\n", "")
    assert run("pin", "ls") == (0, "", "")
    assert run("add", "hw.txt")[0] == 0
    assert run("pin", "ls") == (0, f"{HELLO} recursive\n", "")


def test_add_cid_base(work: Path, run) -> None:
    """kubo 0.7 (cmdenv getCidBase): any --cid-base upgrades CIDv0; from 0.41 not for base58btc."""
    up = CID.decode(HELLO).set(version=1)
    assert run("add", "-Q", "-n", "--cid-base=base32", "hw.txt") == (0, up.encode("base32") + "\n", "")
    assert run("add", "-Q", "-n", "--cid-base=base58btc", "hw.txt") == (0, up.encode("base58btc") + "\n", "")
    assert run("--kubo-version=0.41.0", "add", "-Q", "-n", "--cid-base=base58btc", "hw.txt") == (0, HELLO + "\n", "")
    assert run("add", "-Q", "-n", "--cid-base=b", "hw.txt") == (0, up.encode("base32") + "\n", "")
    assert run("add", "-Q", "-n", "--cid-base=base32", "--upgrade-cidv0-in-output=false", "hw.txt") == (
        0, HELLO + "\n", "")
    assert run("add", "-n", "--cid-base=nope", "hw.txt") == (1, "", "Error: unsupported multibase encoding: nope\n")


def test_add_wrap_with_directory(work: Path, run) -> None:
    code, out, _ = run("add", "-w", "hw.txt")
    first, second = out.splitlines()
    assert code == 0 and first == f"added {HELLO} hw.txt"
    assert second.startswith("added Qm") and second.endswith(" ")  # unnamed wrapper: "added %s %s"
    wrapper = second.split()[1]
    assert run("cat", f"/ipfs/{wrapper}/hw.txt") == (0, "hello world", "")


def test_add_mode_is_parsed_as_go_does(work: Path, run) -> None:
    """``--mode`` is a go-ipfs-cmds UintOption: ``strconv.ParseUint(v, 0, 32)``, so 0755 is octal."""
    a = run("add", "-Q", "-n", "--mode=0755", "hw.txt")
    b = run("add", "-Q", "-n", "--mode=0o755", "hw.txt")
    c = run("add", "-Q", "-n", "--mode=493", "hw.txt")
    assert a == b == c and a[0] == 0 and a[1] != HELLO + "\n"
    assert run("add", "-n", "--mode=-1", "hw.txt")[2] == 'Error: strconv.ParseUint: parsing "-1": invalid syntax\n'


@pytest.mark.parametrize("case", [c for c in PUBLISHED["add"] if "zeros" not in c and c.get("size", 0) <= 262145],
                         ids=lambda c: f"{str(c.get('text', c.get('seed')))[:16]!r}-{' '.join(c['flags'])}")
def test_add_matches_kubo_published_cids(work: Path, run, case: dict) -> None:
    data = case["text"].encode() if "text" in case else chacha_bytes(case["seed"], case["size"])
    (work / "input").write_bytes(data)
    assert run("add", "-Q", "-n", *case["flags"], "input") == (0, case["cid"] + "\n", "")


@pytest.mark.parametrize("case", PUBLISHED["dirs"], ids=lambda c: " ".join(c["flags"]) + f"-{len(c['dir'])}")
def test_add_dirs_match_kubo_published_cids(work: Path, run, case: dict) -> None:
    root = work / "tree"
    root.mkdir()
    for path, text in case["dir"].items():
        rel = path.split("/", 1)[1] if case.get("root") else path
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    assert run("add", "-Q", "-n", *case["flags"], "tree") == (0, case["cid"] + "\n", "")


# --- add errors (exact text, exit 1, repo unchanged) -----------------------------------------


@pytest.mark.parametrize("flags, message", [
    (["--chunker=size-0"], "chunker size must be greater than 0"),
    (["-s", "size-0"], "chunker size must be greater than 0"),
    (["--hash=nope"], "unrecognized hash function: nope"),  # add.go %s until 0.16
    (["--hash=NOPE"], "unrecognized hash function: nope"),
    (["--cid-version=0", "--hash=sha2-512"], "CIDv0 only supports sha2-256"),
    (["--cid-version=x"], 'strconv.ParseInt: parsing "x": invalid syntax'),
    (["--nope"], 'unknown option "nope"'),
])
def test_add_errors_leave_repo_unchanged(work: Path, run, flags: list[str], message: str) -> None:
    assert run("add", "-r", "planets")[0] == 0
    before = repo_state(work / "repo")
    code, out, err = run("add", *flags, "hw.txt")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == f"Error: {message}"
    assert repo_state(work / "repo") == before


@pytest.mark.parametrize("version, name", [("0.7.0", "nope"), ("0.15.0", "nope"), ("0.16.0", '"nope"'),
                                           ("0.22.0", '"nope"')])
def test_add_unknown_hash_is_worded_by_version(work: Path, run, version: str, name: str) -> None:
    """core/commands/add.go: ``unrecognized hash function: %s``, ``%q`` from 0.16 (kubo
    9e5d0aaae, #8927), the lower-cased name either way."""
    assert run(f"--kubo-version={version}", "add", "-n", "--hash=NoPe", "hw.txt") == (
        1, "", f"Error: unrecognized hash function: {name}\n")


def test_add_usage_error_prints_usage(work: Path, run) -> None:
    code, _, err = run("add", "--nope", "hw.txt")
    assert code == 1
    assert err.startswith('Error: unknown option "nope"\n\nusage: fakeipfs add ')
    assert "Use 'fakeipfs add --help' for information about this command" in err


# --- cat ------------------------------------------------------------------------------------


def test_add_then_cat_persists_across_invocations(work: Path, run) -> None:
    assert run("add", "-r", "planets")[0] == 0
    assert (work / "repo" / "blocks").is_dir()
    assert run("cat", MARS) == (0, "Hello Mars!\n", "")
    assert run("cat", f"/ipfs/{PLANETS}/venus.txt") == (0, "Hello Venus!\n", "")
    # native URIs are paths from kubo 0.43 (docs/changelogs/v0.43.md); go-path refused them
    assert run("--kubo-version=0.43.0", "cat", f"ipfs://{PLANETS}/venus.txt") == (0, "Hello Venus!\n", "")
    assert run("cat", f"ipfs://{PLANETS}/venus.txt") == (
        1, "", f'Error: invalid path "ipfs://{PLANETS}/venus.txt": selected encoding not supported\n')


def test_cat_is_binary_safe(work: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    data = bytes(range(256)) * 3000 + b"\xff\xfe\x00"
    (work / "bin").write_bytes(data)
    assert cli.main(["add", "-Q", "--chunker=size-1000", "bin"]) == 0
    root = capsysbinary.readouterr().out.decode().strip()
    assert cli.main(["cat", root]) == 0
    assert capsysbinary.readouterr().out == data
    assert cli.main(["cat", "-o", "70000", "-l", "5", root]) == 0
    assert capsysbinary.readouterr().out == data[70000:70005]


def test_cat_offset_and_length_span_files(work: Path, run) -> None:
    """cat.go: the offset skips whole files, the length caps the concatenation."""
    run("add", "-r", "planets")
    assert run("cat", MARS, VENUS) == (0, "Hello Mars!\nHello Venus!\n", "")
    assert run("cat", "-o", "6", "-l", "4", MARS) == (0, "Mars", "")
    assert run("cat", "-o", "14", MARS, VENUS) == (0, "llo Venus!\n", "")
    assert run("cat", "-o", "6", "-l", "10", MARS, VENUS) == (0, "Mars!\nHell", "")
    assert run("cat", "--length=0", MARS) == (0, "", "")


def test_cat_paths_from_stdin(work: Path, run) -> None:
    run("add", "-r", "planets")
    assert run("cat", stdin=f"{MARS}\n{VENUS}\n".encode()) == (0, "Hello Mars!\nHello Venus!\n", "")


@pytest.mark.parametrize("argv, message", [
    (["cat", PLANETS], "this dag node is a directory"),
    (["cat", HELLO_V1], f"block was not found locally (offline): ipld: could not find {HELLO_V1}"),
    (["cat", "notacid"], 'invalid path "notacid": selected encoding not supported'),  # go-path v0.0.8
    (["cat", "-o", "-1", MARS], "cannot specify negative offset"),
    (["cat", "-l", "-1", MARS], "cannot specify negative length"),
    (["cat", MARS, PLANETS], "this dag node is a directory"),
])
def test_cat_errors(work: Path, run, argv: list[str], message: str) -> None:
    run("add", "-r", "planets")
    before = repo_state(work / "repo")
    assert run(*argv) == (1, "", f"Error: {message}\n")
    assert repo_state(work / "repo") == before


# --- ls -------------------------------------------------------------------------------------


def test_ls(work: Path, run) -> None:
    """ls.go tabularOutput: tabwriter(minwidth 1, padding 1), "-" and "/" for directories."""
    (work / "planets" / "moons").mkdir()
    (work / "planets" / "moons" / "phobos.txt").write_text("Phobos\n")
    root = run("add", "-Q", "-r", "planets")[1].strip()
    code, out, _ = run("ls", root)
    moons = out.splitlines()[1].split()[0]
    assert code == 0
    assert out == (f"{MARS} 12 mars.txt\n"
                   f"{moons} -  moons/\n"
                   f"{VENUS} 13 venus.txt\n")
    assert run("ls", "--size=false", root)[1] == f"{MARS} mars.txt\n{moons} moons/\n{VENUS} venus.txt\n"
    headers = run("ls", "-v", root)[1].splitlines()
    assert headers[0] == "Hash" + " " * 43 + "Size Name"
    assert headers[1] == f"{MARS} 12   mars.txt"  # "Size" widens the column


def test_ls_several_paths_and_stream(work: Path, run) -> None:
    """ls.go tabularOutput: a "<path>:" line per argument, a blank line between them."""
    run("add", "-r", "planets")
    (work / "solo").mkdir()
    (work / "solo" / "mars.txt").write_text("Hello Mars!\n")
    solo = run("add", "-Q", "-r", "solo")[1].strip()
    out = run("ls", PLANETS, f"/ipfs/{solo}")[1]
    assert out == (f"{PLANETS}:\n{MARS} 12 mars.txt\n{VENUS} 13 venus.txt\n"
                   f"\n/ipfs/{solo}:\n{MARS} 12 mars.txt\n")
    assert run("ls", "-s", PLANETS)[1] == f"{MARS} 12        mars.txt\n{VENUS} 13        venus.txt\n"


def test_ls_cid_base(work: Path, run) -> None:
    run("add", "-r", "planets")
    out = run("ls", "--cid-base=base32", PLANETS)[1]
    assert out.split()[0] == CID.decode(MARS).set(version=1).encode("base32")


def test_ls_escapes_names_from_kubo_0_8(work: Path, run) -> None:
    """ipfs/go-ipfs#7831 (0.8.0): names go through cmdenv.EscNonPrint."""
    (work / "odd").mkdir()
    (work / "odd" / "ctl\x01name").write_text("x")
    root = run("add", "-Q", "-r", "odd")[1].strip()
    assert run("--kubo-version=0.8.0", "ls", "--size=false", root)[1].endswith(" ctl\\x01name\n")
    assert run("--kubo-version=0.7.0", "ls", "--size=false", root)[1].endswith(" ctl\x01name\n")
    assert run("--kubo-version=0.8.0", "add", "-n", "-r", "odd")[1].splitlines()[0].endswith(" odd/ctl\\x01name")


# --- get ------------------------------------------------------------------------------------


def test_get_extracts_directory(work: Path, run) -> None:
    run("add", "-r", "planets")
    os.mkdir("out")
    os.chdir("out")
    assert run("get", PLANETS) == (0, f"Saving file(s) to {PLANETS}\n", "")
    assert Path(PLANETS, "mars.txt").read_text() == "Hello Mars!\n"
    assert Path(PLANETS, "venus.txt").read_text() == "Hello Venus!\n"
    assert run("get", "-o", "renamed", f"/ipfs/{PLANETS}/") == (0, "Saving file(s) to renamed\n", "")
    assert sorted(os.listdir("renamed")) == ["mars.txt", "venus.txt"]


def test_get_file_into_existing_directory_and_by_name(work: Path, run) -> None:
    run("add", "-r", "planets")
    os.mkdir("dest")
    assert run("get", "-o", "dest", f"{PLANETS}/mars.txt") == (0, "Saving file(s) to dest\n", "")
    assert Path("dest/mars.txt").read_text() == "Hello Mars!\n"
    assert run("get", f"{PLANETS}/venus.txt") == (0, "Saving file(s) to venus.txt\n", "")
    assert Path("venus.txt").read_text() == "Hello Venus!\n"
    assert oct(os.stat("venus.txt").st_mode & 0o777) == "0o644"


def test_get_archive_and_compress(work: Path, run) -> None:
    run("add", "-r", "planets")
    assert run("get", "-a", "-o", "p", PLANETS) == (0, "Saving archive to p.tar\n", "")
    with tarfile.open("p.tar") as tar:
        assert tar.getnames() == [PLANETS, f"{PLANETS}/mars.txt", f"{PLANETS}/venus.txt"]
    assert run("get", "-C", "-o", "m", MARS) == (0, "Saving archive to m.gz\n", "")
    assert gzip.decompress(Path("m.gz").read_bytes()) == b"Hello Mars!\n"
    assert run("get", "-C", "-l", "12", MARS) == (1, "", "Error: compression level must be between 1 and 9\n")


# --- block ----------------------------------------------------------------------------------


def _cid_of(data: bytes, version: int, codec: str) -> str:
    digest = multihash.wrap(hashlib.sha256(data).digest(), "sha2-256")
    return str(CID("base58btc" if version == 0 else "base32", version, codec, digest))


def test_block_put_get_stat(work: Path, run) -> None:
    legacy = PUBLISHED["other"][0]  # kubo <= 0.12: CIDv0
    assert legacy["cid"] == _cid_of(legacy["text"].encode(), 0, "dag-pb")
    assert run("block", "put", stdin=legacy["text"].encode()) == (0, legacy["cid"] + "\n", "")
    raw = PUBLISHED["other"][1]  # kubo >= 0.13: CIDv1 raw
    assert run("--kubo-version=0.13.0", "block", "put", stdin=raw["text"].encode()) == (0, raw["cid"] + "\n", "")
    assert run("block", "put", "--format=raw", stdin=raw["text"].encode()) == (0, raw["cid"] + "\n", "")
    assert run("block", "stat", raw["cid"]) == (0, f"Key: {raw['cid']}\nSize: 12\n", "")
    assert run("block", "get", raw["cid"]) == (0, "Hello World!", "")
    assert run("block", "put", "--mhtype=nope", stdin=b"x") == (1, "", "Error: unrecognized multihash function: nope\n")


def test_block_stat_cid_base_from_kubo_0_41(work: Path, run) -> None:
    run("add", "hw.txt")
    assert run("--cid-base=base32", "block", "stat", HELLO)[1].startswith(f"Key: {HELLO}\n")
    upgraded = CID.decode(HELLO).set(version=1).encode("base32")
    assert run("--kubo-version=0.41.0", "block", "stat", "--cid-base=base32", HELLO)[1].startswith(f"Key: {upgraded}\n")


def test_block_rm(work: Path, run) -> None:
    cid = run("block", "put", stdin=b"some block")[1].strip()
    assert run("block", "rm", cid) == (0, f"removed {cid}\n", "")
    assert run("block", "stat", cid)[0] == 1
    assert run("--kubo-version=0.13.0", "block", "rm", cid) == (
        1, "", f"cannot remove {cid}: ipld: could not find {cid}\nError: some blocks not removed\n")
    assert run("block", "rm", "-f", cid) == (0, f"removed {cid}\n", "")
    cid = run("block", "put", stdin=b"another")[1].strip()
    assert run("block", "rm", "-q", cid) == (0, "", "")


def test_block_rm_pinned(work: Path, run) -> None:
    run("add", "hw.txt")
    before = repo_state(work / "repo")
    assert run("block", "rm", HELLO) == (
        1, "", f"cannot remove {HELLO}: pinned: recursive\nError: some blocks not removed\n")
    assert repo_state(work / "repo") == before


# --- pin ------------------------------------------------------------------------------------


def test_pin_add_ls_rm(work: Path, run) -> None:
    run("add", "--pin=false", "-r", "planets")
    assert run("pin", "ls") == (0, "", "")
    assert run("pin", "add", PLANETS) == (0, f"pinned {PLANETS} recursively\n", "")
    assert run("pin", "ls", "-t", "recursive") == (0, f"{PLANETS} recursive\n", "")
    assert run("pin", "ls", "--type=indirect", "-q")[1].splitlines() == [MARS, VENUS]
    assert run("pin", "ls", MARS) == (0, f"{MARS} indirect through {PLANETS}\n", "")
    assert run("pin", "add", "-r=false", MARS) == (0, f"pinned {MARS} directly\n", "")
    assert run("pin", "ls", "--type=direct") == (0, f"{MARS} direct\n", "")
    assert run("pin", "rm", MARS) == (0, f"unpinned {MARS}\n", "")
    assert run("pin", "rm", PLANETS) == (0, f"unpinned {PLANETS}\n", "")
    assert run("pin", "ls") == (0, "", "")


def test_pin_rm_unpinned_changes_nothing(work: Path, run) -> None:
    run("add", "-r", "planets")
    before = repo_state(work / "repo")
    assert run("pin", "rm", MARS) == (1, "", "Error: not pinned or pinned indirectly\n")
    # kubo unpins one argument at a time (pin.go rmPinCmd), so the failing one comes first here
    assert run("pin", "rm", MARS, PLANETS) == (1, "", "Error: not pinned or pinned indirectly\n")
    assert repo_state(work / "repo") == before


def test_pin_ls_errors(work: Path, run) -> None:
    run("add", "-r", "planets")
    assert run("pin", "ls", "-t", "bogus") == (
        1, "", "Error: invalid type 'bogus', must be one of {direct, indirect, recursive, all}\n")
    run("add", "--pin=false", "hw.txt")
    assert run("pin", "ls", HELLO) == (1, "", f"Error: path '{HELLO}' is not pinned\n")


def test_pin_update_and_verify(work: Path, run) -> None:
    run("add", "-r", "planets")
    run("add", "--pin=false", "hw.txt")
    assert run("pin", "update", "--unpin=false", PLANETS, HELLO) == (0, f"updated {PLANETS} to {HELLO}\n", "")
    assert run("pin", "ls", "-t", "recursive", "-q")[1].splitlines() == [PLANETS, HELLO]
    assert run("pin", "verify") == (0, "", "")
    assert run("pin", "verify", "--verbose") == (0, f"{PLANETS} ok\n{HELLO} ok\n", "")
    assert run("pin", "verify", "--verbose", "-q") == (
        1, "", "Error: the --verbose and --quiet options can not be used at the same time\n")
    assert run("pin", "update", "a")[2].startswith('Error: argument "to-path" is required\n')


# --- repo -----------------------------------------------------------------------------------


def test_repo_gc(work: Path, run) -> None:
    run("add", "-r", "planets")
    assert run("repo", "gc") == (0, "", "")
    run("pin", "rm", PLANETS)
    # kubo >= 0.12 keys blocks by multihash and reports them as CIDv1 raw (gc/gc.go toRawCids);
    # before, the CIDs they were stored under (test_repo_gc_before_kubo_0_12_prints_cid_keys)
    code, out, _ = run("--kubo-version=0.12.0", "repo", "gc")
    assert code == 0
    removed = sorted(line.split()[1] for line in out.splitlines())
    assert all(line.startswith("removed bafk") for line in out.splitlines())
    assert removed == sorted(CID.decode(c).set(version=1, codec="raw").encode("base32")
                             for c in (MARS, VENUS, PLANETS))
    assert run("cat", MARS)[0] == 1


def test_a_fresh_repo_holds_its_mfs_root(work: Path, run) -> None:
    """kubo core/node/core.go ``Files`` stores the empty directory whenever it builds a node
    whose repo has no MFS root yet (``ipfs init``, then every command); gc keeps it
    (core/corerepo/gc.go ``BestEffortRoots``)."""
    empty_dir = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
    assert run("block", "stat", empty_dir) == (0, f"Key: {empty_dir}\nSize: 4\n", "")
    assert run("repo", "gc") == (0, "", "")
    assert run("repo", "stat", "-s") == (0, "RepoSize:   4\nStorageMax: 10000000000\n", "")
    assert run("cat", empty_dir) == (1, "", "Error: this dag node is a directory\n")


def test_repo_stat(work: Path, run) -> None:
    run("add", "-r", "planets")
    code, out, _ = run("repo", "stat")
    stat = Node(repo=work / "repo").repo_stat()
    assert code == 0
    assert out == (f"NumObjects: {stat['NumObjects']}\n"
                   f"RepoSize:   {stat['RepoSize']}\n"
                   f"StorageMax: 10000000000\n"
                   f"RepoPath:   {work / 'repo'}\n"
                   f"Version:    fs-repo@10\n")
    assert run("repo", "stat", "-s", "-H") == (0, f"RepoSize:   {stat['RepoSize']} B\nStorageMax: 10 GB\n", "")
    assert run("repo", "version") == (0, "ipfs repo version fs-repo@10\n", "")


def test_repo_dir_option_overrides_env(work: Path, run) -> None:
    assert run("--repo-dir", str(work / "other"), "add", "-Q", "hw.txt") == (0, HELLO + "\n", "")
    assert (work / "other" / "blocks").is_dir() and not (work / "repo").exists()
    assert run("cat", "--repo-dir", str(work / "other"), HELLO) == (0, "hello world", "")


# --- version and the command tree -------------------------------------------------------------


def test_version(work: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("version") == (0, "ipfs version 0.7.0\n", "")
    assert run("--version") == (0, "ipfs version 0.7.0\n", "")
    assert run("version", "-n") == (0, "0.7.0\n", "")
    # repo/fsrepo RepoVersion at v0.14.1 is 12
    assert run("--kubo-version", "0.14.1", "version", "--all")[1].startswith("Kubo version: 0.14.1\nRepo version: 12\n")
    assert "fakeipfs version: " in run("version", "--all")[1]
    monkeypatch.setenv("FAKEIPFS_KUBO_VERSION", "0.20.0")
    assert run("version") == (0, "ipfs version 0.20.0\n", "")
    assert run("--kubo-version=nope", "version") == (1, "", "Error: invalid kubo version: 'nope'\n")
    assert not (work / "repo").exists()


def test_help_and_unknown_command(work: Path, run) -> None:
    code, out, _ = run()
    assert code == 0 and "add" in out and "pin" in out
    assert run("add", "--help")[0] == 0
    assert run("help", "cat")[0] == 0
    assert run("pin")[0] == 0
    code, _, err = run("frobnicate")
    assert code == 1 and err.startswith('Error: Unknown Command "frobnicate"\n')
    # go-ipfs-cmds cli/parse.go parseArgs
    assert run("get", "a", "b")[2].startswith("Error: expected 1 argument(s), got 2\n\nusage: fakeipfs get ")
    assert run("repo", "gc", "x")[2].startswith("Error: expected 0 argument(s), got 1\n")
    assert run("block", "rm")[2].startswith('Error: argument "cid" is required\n')
    assert run("cat", "-o")[2].startswith('Error: missing argument for option "offset"\n')


# --- progress -------------------------------------------------------------------------------


def test_progress_only_when_asked_off_a_terminal(work: Path, run) -> None:
    (work / "big").write_bytes(chacha_bytes("progress", 600_000))
    code, out, err = run("add", "-n", "big")
    assert code == 0 and err == ""
    code, out2, err = run("add", "-n", "--progress", "big")
    assert code == 0 and out2 == out
    assert "\r" in err and "100.00%" in err and "KiB" in err
    assert run("add", "-n", "-p=false", "big")[2] == ""


# --- dag (only where Node has the dag_* methods) --------------------------------------------


DAG_SKIP = pytest.mark.skipif(not HAS_DAG, reason="Node.dag_put/dag_get/dag_resolve/dag_export/dag_import not implemented yet")


@DAG_SKIP
def test_dag_put_get_resolve(work: Path, run) -> None:
    case = PUBLISHED["other"][2]  # ipfshttpclient test_dag.py: dag put of {"links": []}
    assert run("dag", "put", stdin=b'{"links": []}') == (0, case["cid"] + "\n", "")
    assert run("dag", "put", "--store-codec=dag-cbor", "--input-codec=dag-json", "-",
               stdin=b'{"links": []}') == (0, case["cid"] + "\n", "")
    assert run("dag", "put", "--format=cbor", "--input-enc=json", stdin=b'{"links": []}') == (0, case["cid"] + "\n", "")
    assert run("--kubo-version=0.10.0", "dag", "get", case["cid"]) == (0, '{"links":[]}', "")
    # dag.go DagResolveCmd: fmt.Fprint, no newline; the path's own base when --cid-base is unset
    assert run("dag", "resolve", f"{case['cid']}/links") == (0, f"{case['cid']}/links", "")
    b36 = CID.decode(case["cid"]).encode("base36")
    assert run("dag", "resolve", f"/ipfs/{b36}") == (0, b36, "")
    assert run("dag", "resolve", "--cid-base=base16", b36) == (0, CID.decode(b36).encode("base16"), "")


@DAG_SKIP
def test_dag_export_import_round_trip(work: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert cli.main(["add", "-r", "planets"]) == 0
    capsysbinary.readouterr()
    assert cli.main(["dag", "export", PLANETS]) == 0
    car = capsysbinary.readouterr().out
    (work / "planets.car").write_bytes(car)
    other = work / "other"
    assert cli.main(["--repo-dir", str(other), "dag", "import", "planets.car"]) == 0
    assert capsysbinary.readouterr().out == f"Pinned root\t{PLANETS}\tsuccess\n".encode()
    assert cli.main(["--repo-dir", str(other), "cat", f"{PLANETS}/mars.txt"]) == 0
    assert capsysbinary.readouterr().out == b"Hello Mars!\n"
    assert cli.main(["--repo-dir", str(other), "dag", "import", "--silent", "planets.car"]) == 0
    assert capsysbinary.readouterr().out == b""


def test_dag_commands_are_registered(work: Path, run) -> None:
    code, out, _ = run("dag", "--help")
    assert code == 0
    for sub in ("put", "get", "resolve", "export", "import"):
        assert sub in out
    if not HAS_DAG:
        assert run("dag", "get", HELLO) == (1, "", "Error: 'dag get' is not available: this fakeipfs Node has no dag_get()\n")


# --- Go-compatible helpers ------------------------------------------------------------------


def test_tabwrite_matches_go() -> None:
    """Expected strings printed by Go's text/tabwriter (NewWriter(w, 1, 2, 1, ' ', 0))."""
    text = "a:\nHash\tSize\tName\nQmX\t-\tsub/\nQmYYYY\t1234\tb\n\nb:\nHash\tSize\tName\nbafy\t1\tz\n"
    assert cli.tabwrite(text, 1, 2, 1) == (
        "a:\nHash   Size Name\nQmX    -    sub/\nQmYYYY 1234 b\n\nb:\nHash Size Name\nbafy 1    z\n")
    assert cli.tabwrite("x\ty\tz\nxx\n\tyyy\tq\nlonger\tcell\n", 10, 2, 1) == (
        "x         y         z\nxx\n          yyy       q\nlonger    cell\n")


@pytest.mark.parametrize("text, value", [("0755", 493), ("0x1f", 31), ("0o17", 15), ("0b101", 5),
                                         ("1_000", 1000), ("0x_1f", 31), ("-5", -5), ("+3", 3), ("0", 0)])
def test_go_parse_int(text: str, value: int) -> None:
    assert cli.go_parse_int(text, 32) == value


@pytest.mark.parametrize("text, error", [("abc", "invalid syntax"), ("08", "invalid syntax"), ("", "invalid syntax"),
                                         ("99999999999", "value out of range")])
def test_go_parse_int_errors(text: str, error: str) -> None:
    with pytest.raises(cli.CommandError) as info:
        cli.go_parse_int(text, 32)
    assert str(info.value) == f'strconv.ParseInt: parsing "{text}": {error}'


def test_esc_non_print_and_humanize() -> None:
    assert cli.esc_non_print("plain name.txt") == "plain name.txt"
    assert cli.esc_non_print('a"b\\c\td\x00\u00a0' + b"\xff".decode("utf-8", "surrogateescape")) == (
        'a"b\\\\c\\td\\x00\\u00a0\\xff')
    assert [cli.humanize_bytes(n) for n in (0, 9, 165, 1234, 82854982, 10_000_000_000)] == [
        "0 B", "9 B", "165 B", "1.2 kB", "83 MB", "10 GB"]


# --- the console script ---------------------------------------------------------------------


def _script() -> str:
    return str(Path(sys.executable).with_name("fakeipfs"))


def test_console_script_add_only_hash(tmp_path: Path) -> None:
    (tmp_path / "hw.txt").write_bytes(b"hello world")
    env = dict(os.environ, FAKEIPFS_PATH=str(tmp_path / "repo"))
    proc = subprocess.run([_script(), "add", "-Q", "-n", "hw.txt"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, HELLO + "\n", "")
    assert not (tmp_path / "repo").exists()


def test_console_script_pipe_round_trip_and_error(tmp_path: Path) -> None:
    env = dict(os.environ, FAKEIPFS_PATH=str(tmp_path / "repo"))
    add = subprocess.run([_script(), "add", "-q"], input=b"hello world", env=env, cwd=tmp_path,
                         capture_output=True, timeout=60)
    assert (add.returncode, add.stdout) == (0, HELLO.encode() + b"\n")
    cat = subprocess.run([_script(), "cat", HELLO], env=env, cwd=tmp_path, capture_output=True, timeout=60)
    assert (cat.returncode, cat.stdout) == (0, b"hello world")
    bad = subprocess.run([_script(), "cat", HELLO_V1], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (bad.returncode, bad.stdout) == (1, "")
    assert bad.stderr == f"Error: block was not found locally (offline): ipld: could not find {HELLO_V1}\n"


# --- node.py behaviours that differ from kubo (xfail until fixed there) -----------------------


def test_block_rm_indirectly_pinned_says_pinned_via(work: Path, run) -> None:
    run("add", "-r", "planets")
    assert run("block", "rm", MARS) == (
        1, "", f"cannot remove {MARS}: pinned via {PLANETS}\nError: some blocks not removed\n")


def test_block_rm_missing_block_before_kubo_0_13(work: Path, run) -> None:
    assert run("--kubo-version=0.12.0", "block", "rm", HELLO) == (
        1, "", f"cannot remove {HELLO}: blockstore: block not found\nError: some blocks not removed\n")


def test_repo_gc_before_kubo_0_12_prints_cid_keys(work: Path, run) -> None:
    run("add", "--pin=false", "hw.txt")
    assert run("repo", "gc") == (0, f"removed {HELLO}\n", "")


def test_node_add_directory_error_is_kubos(work: Path) -> None:
    from fakeipfs.errors import IPFSError
    with pytest.raises(IPFSError) as info:
        Node().add("planets")
    assert str(info.value) == "'planets' is a directory, use the '-r' flag to specify directories"
