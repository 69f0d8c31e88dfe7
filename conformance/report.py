"""The Markdown matrix of a conformance run: one row per scenario with its result, the reason
of each skip and the diff of each failure, then the summary line."""
from __future__ import annotations

from .runner import RunResult
from .scenario import CATALOGUE

_MARK = {"passed": "✅ passed", "failed": "❌ failed", "skipped": "⏭ skipped"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(result: RunResult) -> str:
    lines = [
        f"# fakeipfs conformance: target `{result.target}`, kubo {result.version}",
        "",
        f"**{result.count('passed')} passed, {result.count('failed')} failed, "
        f"{result.count('skipped')} skipped**",
        "",
        "| scenario | result | why it applies / reason skipped |",
        "|---|---|---|",
    ]
    for o in result.outcomes:
        s = CATALOGUE.get(o.name)
        note = o.detail if o.status == "skipped" else (s.why if s else "")
        if o.status == "failed":
            note = (s.why if s else "") + " — see the diff below"
        lines.append(f"| `{o.name}` | {_MARK[o.status]} | {_cell(note)} |")
    failures = [o for o in result.outcomes if o.status == "failed"]
    if failures:
        lines += ["", "## Failures", ""]
        for o in failures:
            lines += [f"### `{o.name}`", "", "```diff", o.detail, "```", ""]
    lines += ["", result.summary, ""]
    return "\n".join(lines)
