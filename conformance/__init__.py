"""Conformance suite: checks fakeipfs against reference implementations."""
