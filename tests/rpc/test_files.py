"""/api/v0/files/*: kubo core/commands/files.go at v0.7.0 (flush's output from 0.4.20, ``--long``
from 0.5), through the real ipfshttpclient and as raw responses."""
from __future__ import annotations

import io
import json

import ipfshttpclient
import pytest

import fakeipfs
import fakeipfs.transport as transport
from fakeipfs import mfs
from fakeipfs.rpc.dispatcher import Dispatcher
from fakeipfs.rpc.wire import Request

from .rpcutil import BOUNDARY, CHANNEL, SINGLE, STREAM, error, post, single

# py-ipfs-http-client test/functional/test_files.py (fake_dir/popoiopiu, TEST_MFS_FILES)
POPOIOPIU = b"oooofiopfsdpio\n"
TEST_MFS_FILE1_STAT = {"Type": "file", "Hash": "QmUvobKqcCE56brA8pGTRRRsGy2SsDEKSxFLZkBQFv7Vvv",
                       "Blocks": 1, "CumulativeSize": 73, "Size": 15}
FSDFGH = b"dsadsad\n"  # fake_dir/fsdfgh, QmQcCtMgLVwvMQGu6mvsRYLjwqrZJcYtH4mboM9urWW9vX


@pytest.fixture
def client():
    return transport.client(fakeipfs.Node())


# --- ipfshttpclient's own functional tests ----------------------------------------------------

def test_mfs_file_cp_rm(client):
    h = client.add(io.BytesIO(FSDFGH))["Hash"]
    mfs_path = "/" + "/test_dir" + "file1"  # sic: "//test_dirfile1", cleaned by kubo
    assert client.files.cp("/ipfs/" + h, mfs_path) is None
    assert client.files.ls("/")["Entries"] == [{"Name": "test_dirfile1", "Type": 0, "Size": 0, "Hash": ""}]
    assert client.files.rm(mfs_path) is None
    assert client.files.ls("/") == {"Entries": None}


def test_mfs_file_write_stat_read_delete(client, tmp_path):
    source = tmp_path / "popoiopiu"
    source.write_bytes(POPOIOPIU)
    client.files.write("/test_file1", str(source), create=True)
    assert sorted(client.files.stat("/test_file1").items()) == sorted(TEST_MFS_FILE1_STAT.items())
    assert client.files.read("/test_file1") == POPOIOPIU
    client.files.rm("/test_file1")


def test_mfs_dir_make_fill_list_delete(client, tmp_path):
    source = tmp_path / "popoiopiu"
    source.write_bytes(POPOIOPIU)
    client.files.mkdir("/test_dir")
    client.files.write("/test_dir/test_file1", str(source), create=True)
    assert [e["Name"] for e in client.files.ls("/test_dir")["Entries"]] == ["test_file1"]
    client.files.rm("/test_dir", recursive=True)
    with pytest.raises(ipfshttpclient.exceptions.Error):
        client.files.stat("/test_dir")


def test_client_surface(client):
    client.files.mkdir("/a/b", parents=True)
    client.files.write("/a/f", io.BytesIO(b"0123456789"), create=True)
    client.files.write("/a/f", io.BytesIO(b"XY"), offset=2)
    assert client.files.read("/a/f", offset=1, count=4) == b"1XY4"
    client.files.write("/a/f", io.BytesIO(b"abcdef"), truncate=True, count=3)
    assert client.files.read("/a/f") == b"abc"
    client.files.mv("/a/f", "/a/b/g")
    client.files.cp("/a/b/g", "/h")
    assert [e["Name"] for e in client.files.ls("/")["Entries"]] == ["a", "h"]
    assert client.files.stat("/h")["Hash"] == client.files.stat("/a/b/g")["Hash"]
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse) as info:
        client.files.rm("/a")
    assert info.value.args[0] == "/a is a directory, use -r to remove directories"
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse) as info:
        client.files.mkdir("/a")
    assert info.value.args[0] == "file already exists"
    with pytest.raises(ipfshttpclient.exceptions.ErrorResponse) as info:
        client.files.read("/a/f")
    assert info.value.args[0] == "file does not exist"


# --- raw answers ------------------------------------------------------------------------------

def _write(node, path, data: bytes, **query):
    return post(node, "files/write", files=[data], arg=[path], **query)


def _empty(response) -> None:
    body = response.read_all()
    assert (response.status, response.headers, body) == (200, CHANNEL, b""), body


def test_ls_shapes():
    node = fakeipfs.Node()
    response = post(node, "files/ls")
    assert (response.status, response.headers, response.read_all()) == (200, SINGLE, b'{"Entries":null}\n')
    _empty(post(node, "files/mkdir", arg=["/d"]))
    _empty(_write(node, "/b", POPOIOPIU, create=True))
    assert single(post(node, "files/ls", arg=["/"])) == {"Entries": [
        {"Name": "b", "Type": 0, "Size": 0, "Hash": ""}, {"Name": "d", "Type": 0, "Size": 0, "Hash": ""}]}
    file_cid = "QmUvobKqcCE56brA8pGTRRRsGy2SsDEKSxFLZkBQFv7Vvv"
    assert single(post(node, "files/ls", arg=["/"], long=True)) == {"Entries": [
        {"Name": "b", "Type": 0, "Size": 15, "Hash": file_cid},
        {"Name": "d", "Type": 1, "Size": 0, "Hash": "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"}]}
    assert single(post(node, "files/ls", arg=["/"], l=True)) == single(
        post(node, "files/ls", arg=["/"], long=True))
    # go-mfs List prints a directory's CIDs with String(); a file's goes through the encoder
    upgraded = "bafybeidb4xu4pn2wecnsec2qmebq3qon4zfej7tzpe6ojdbbqsoisd7l44"
    assert single(post(node, "files/ls", arg=["/"], long=True, cid_base="base32"))["Entries"][0][
        "Hash"] == file_cid
    assert single(post(node, "files/ls", arg=["/b"], long=True, cid_base="base32")) == {
        "Entries": [{"Name": "b", "Type": 0, "Size": 15, "Hash": upgraded}]}
    assert single(post(node, "files/ls", arg=["/b"])) == {
        "Entries": [{"Name": "b", "Type": 0, "Size": 0, "Hash": ""}]}
    assert error(post(node, "files/ls", arg=["b"])) == "paths must start with a leading slash"


def test_ls_long_was_only_l_before_0_5():
    node = fakeipfs.Node(kubo_version="0.4.23")
    _empty(_write(node, "/b", b"x", create=True))
    assert single(post(node, "files/ls", long=True))["Entries"][0]["Hash"] == ""
    assert single(post(node, "files/ls", l=True))["Entries"][0]["Size"] == 1


def test_stat_shape_and_format_options():
    node = fakeipfs.Node()
    _empty(_write(node, "/f", POPOIOPIU, create=True))
    response = post(node, "files/stat", arg=["/f"])
    assert (response.status, response.headers, response.read_all()) == (200, SINGLE, (
        b'{"Hash":"QmUvobKqcCE56brA8pGTRRRsGy2SsDEKSxFLZkBQFv7Vvv","Size":15,"CumulativeSize":73,'
        b'"Blocks":1,"Type":"file"}\n'))
    assert single(post(node, "files/stat", arg=["/f"], hash=True))["Hash"] == TEST_MFS_FILE1_STAT["Hash"]
    assert single(post(node, "files/stat", arg=["/f"], with_local=True)) == {
        **TEST_MFS_FILE1_STAT, "WithLocality": True, "Local": True, "SizeLocal": 73}
    assert single(post(node, "files/stat", arg=["/f"], cid_base="base32"))["Hash"] == \
        "bafybeidb4xu4pn2wecnsec2qmebq3qon4zfej7tzpe6ojdbbqsoisd7l44"
    response = post(node, "files/stat", arg=["/f"], hash=True, size=True)
    assert response.status == 400
    assert json.loads(response.read_all()) == {
        "Message": "format was set by multiple options. Only one format option is allowed",
        "Code": 1, "Type": "error"}
    assert post(node, "files/stat", arg=["/f"], hash=True, format="<hash>").status == 400
    assert single(post(node, "files/stat", arg=["/"]))["Type"] == "directory"


def test_read_is_a_byte_stream():
    node = fakeipfs.Node()
    _empty(_write(node, "/f", b"0123456789", create=True))
    response = post(node, "files/read", arg=["/f"], offset=2, count=3)
    assert (response.status, response.headers, response.read_all()) == (200, STREAM, b"234")
    assert error(post(node, "files/read", arg=["/f"], offset=11)) == "offset was past end of file (11 > 10)"
    assert error(post(node, "files/read", arg=["/f"], count=-1)) == "cannot specify negative 'count'"
    assert error(post(node, "files/read", arg=["/"])) == "/ was not a file"


def test_write_options_and_errors():
    node = fakeipfs.Node()
    assert error(_write(node, "/f", b"x")) == "file does not exist"
    _empty(_write(node, "/a/b/f", b"hello", create=True, parents=True, cid_version=1))
    stat = single(post(node, "files/stat", arg=["/a/b/f"]))
    assert stat["Hash"].startswith("bafybei") and stat["Size"] == 5
    assert single(post(node, "files/stat", arg=["/a"]))["Hash"].startswith("bafybei")
    assert error(_write(node, "/a/b/f", b"x", offset=-1)) == "cannot have negative write offset"
    assert error(_write(node, "/g", b"x", create=True, count=-1)) == "cannot have negative byte count"
    assert single(post(node, "files/stat", arg=["/g"]))["Size"] == 0  # created all the same
    assert error(_write(node, "/g", b"x", hash="nope")) == "unrecognized hash function: nope"
    response = post(node, "files/write", arg=["/g"])
    assert (response.status, response.read_all()) == (400, b"file argument 'data' is required\n")
    # a directory part: files.go asks for the data only after opening the file
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d\"\r\n"
            f"Content-Type: application/x-directory\r\n\r\n\r\n--{BOUNDARY}--\r\n").encode()
    response = Dispatcher(node).handle(Request.from_url(
        "POST", "/api/v0/files/write?arg=/h&create=true", headers, body))
    assert error(response) == "file argument was nil"
    assert single(post(node, "files/stat", arg=["/h"]))["Size"] == 0


def test_mkdir_cp_mv_rm_errors():
    node = fakeipfs.Node()
    _empty(post(node, "files/mkdir", arg=["/a"]))
    assert error(post(node, "files/mkdir", arg=["/a"])) == "file already exists"
    assert error(post(node, "files/mkdir", arg=["/"])) == "cannot create directory '/': Already exists"
    assert error(post(node, "files/mkdir", arg=["/x/y"])) == "file does not exist"
    cid = node.add(FSDFGH)[-1].cid
    _empty(post(node, "files/cp", arg=[f"/ipfs/{cid}", "/a/f"]))
    assert error(post(node, "files/cp", arg=[f"/ipfs/{cid}", "/a/f"])) == \
        "cp: cannot put node in path /a/f: directory already has entry by that name"
    _empty(post(node, "files/mv", arg=["/a/f", "/g"]))
    assert error(post(node, "files/mv", arg=["/a/f", "/g"])) == "file does not exist"
    assert error(post(node, "files/rm", arg=["/"])) == "cannot delete root"
    _empty(post(node, "files/rm", arg=["/nope"], force=True))
    _empty(post(node, "files/rm", arg=["/g", "/a"]))  # kubo 0.7.0 removes only the first
    assert single(post(node, "files/ls")) == {"Entries": [{"Name": "a", "Type": 0, "Size": 0, "Hash": ""}]}


def test_flush_and_chcid():
    node = fakeipfs.Node()
    _empty(post(node, "files/mkdir", arg=["/a"]))
    root = str(mfs.of(node).root_cid())
    assert single(post(node, "files/flush")) == {"Cid": root}
    assert single(post(node, "files/flush", arg=["/a"], cid_base="base32")) == {
        "Cid": "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"}
    _empty(post(node, "files/chcid", arg=["/a"], cid_version=1))
    assert single(post(node, "files/flush", arg=["/a"])) == {
        "Cid": "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"}
    assert error(post(node, "files/flush", arg=["/nope"])) == "file does not exist"
    old = fakeipfs.Node(kubo_version="0.4.19")
    _empty(post(old, "files/flush"))


def test_rm_takes_every_path_from_0_13():
    node = fakeipfs.Node(kubo_version="0.13.0")
    _empty(post(node, "files/mkdir", arg=["/d"]))
    _empty(post(node, "files/mkdir", arg=["/e"]))
    response = post(node, "files/rm", arg=["/d", "x", "/nope/", "/e"])
    assert (response.status, response.headers) == (200, CHANNEL)
    assert response.read_all().splitlines() == [
        b'"/d: path is a directory, use -r to remove directories"',
        b'"x is not a valid path: paths must start with a leading slash"',
        b'"/nope/: file does not exist"',
        b'"/e: path is a directory, use -r to remove directories"',
        b'{"Message":"can\'t remove some files","Code":0,"Type":"error"}']
    assert response.trailers == {"X-Stream-Error": "can't remove some files"}
    _empty(post(node, "files/rm", arg=["/d", "/e"], recursive=True))
    assert single(post(node, "files/ls")) == {"Entries": None}


def test_rm_refuses_flush_false_from_0_38():
    node = fakeipfs.Node(kubo_version="0.38.0")
    assert error(post(node, "files/rm", arg=["/x"], flush=False)) == (
        "files rm always flushes for safety. The --flush flag cannot be set to false for this command")
    _empty(post(node, "files/rm", arg=["/x"], force=True, flush=True))


def test_stat_reports_unixfs_metadata_from_0_30():
    node = fakeipfs.Node(kubo_version="0.30.0")
    cid = node.add(b"meta", mode=0o644, mtime=1700000000, mtime_nsecs=5)[-1].cid
    _empty(post(node, "files/cp", arg=[f"/ipfs/{cid}", "/f"]))
    body = post(node, "files/stat", arg=["/f"]).read_all()
    assert body.endswith(b'"Type":"file","Mtime":1700000000,"MtimeNsecs":5,"Mode":"0644"}\n'), body
    link = node.block_put(bytes.fromhex("0a0a08041206746172676574"), format="v0")  # Symlink "target"
    assert single(post(node, "files/stat", arg=[f"/ipfs/{link}"])) == {
        "Hash": str(link), "Size": 6, "CumulativeSize": 12, "Blocks": 0, "Type": "file",
        "Mode": "1000000777"}  # os.ModeSymlink | 0777
    response = post(node, "files/stat", arg=["/f"], hash=True, size=True)
    assert (response.status, json.loads(response.read_all())["Message"]) == (
        400, "invalid parameters: format was set by multiple options. Only one format option is allowed")
    old = fakeipfs.Node(kubo_version="0.29.0")
    _empty(post(old, "files/cp", arg=[f"/ipfs/{old.add(b'meta', mode=0o644)[-1].cid}", "/f"]))
    assert "Mode" not in single(post(old, "files/stat", arg=["/f"]))
