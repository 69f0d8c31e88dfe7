"""The README's main job: the seed workflow reproduces kubo's CIDs on the embedded emulator."""
from fakeipfs import demo


def test_demo_matches_kubo(capsys) -> None:
    assert demo.main() == 0
    out = capsys.readouterr().out
    assert "Qmb473ErRjqppLHK8GXfErQg9EaHghHE7BDGpBY1cvVKne  = kubo" in out
    assert "DIFFERS" not in out


def test_demo_reports_a_difference(monkeypatch, capsys) -> None:
    monkeypatch.setitem(demo.EXPECTED, "hello world", "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
    assert demo.main() == 1
    assert "DIFFERS from kubo QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n" in capsys.readouterr().out
