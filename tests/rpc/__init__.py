"""Tests of fakeipfs.rpc (a package, so that their module names may repeat those in tests/)."""
