"""Targets the conformance suite can compare against (real kubo, fakeipfs, ...)."""
