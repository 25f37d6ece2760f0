"""Write verdict_cases.json: server comparisons and the verdict the server words for each.

verdict.test.mjs checks that verdict.js words the same sentence from ``verdict_code`` and
``verdict_params``. Until the server sends ``verdict_params``, this script derives them
from the comparison the way docs/api.md describes them. Regenerate after a wording change:
``.venv/bin/python tests/js/make_verdict_cases.py``.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

from her2poll.core.published import reconstruct_set
from her2poll.core.questions import load_question_set
from her2poll.core.stats import Comparison, compare
from her2poll.core.tallies import Tally

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("verdict_cases.json")
FIELDS = ("verdict", "verdict_code", "published_inconsistent", "published_n", "live_n")


def params(c: Comparison, cap: int) -> dict[str, object]:
    """verdict_params as the server change defines them."""
    p_range = c.p_range
    ns = [s.n for s in c.sensitivity] or ([c.published_n] if c.test else [])
    leaning = None
    if c.verdict_code == "differs":
        top = max(c.options, key=lambda r: r.difference or 0.0)
        leaning = list(top.option_ids)
    return {
        "live_n": c.live_n,
        "p_low": p_range[0] if p_range else None,
        "p_high": p_range[1] if p_range else None,
        "published_n_low": min(ns) if ns else None,
        "published_n_high": max(ns) if ns else None,
        "leaning_option_ids": leaning,
        "inconsistent": c.published_inconsistent,
        "cap": cap if c.published_inconsistent else None,
    }


def tallies(width: int) -> list[tuple[int, ...]]:
    """Small, even and lopsided tallies over `width` options (at most 625 of them)."""
    shapes = (0, 1, 3, 8, 20)
    return list(itertools.islice(itertools.product(shapes, repeat=width), 625))


def main() -> None:
    question_set = load_question_set(ROOT / "questions.json")
    rec = reconstruct_set(question_set)
    cases, kept = [], Counter()
    for question in question_set.questions:
        reconstruction = rec.question(question.id)
        assert reconstruction is not None
        ids = tuple(question.option_ids)
        options = [{"id": o.id, "text": o.text} for o in question.options]
        for counts in tallies(len(ids)):
            c = compare(question, Tally(ids, counts), reconstruction)
            words = params(c, rec.cap)
            ranged = words["p_low"] != words["p_high"]
            kind = (question.id, c.verdict_code, ranged, len(words["leaning_option_ids"] or ()))
            if kept[kind] >= 2:  # a few of each kind keep the file small
                continue
            kept[kind] += 1
            comparison = {k: c.to_dict()[k] for k in FIELDS} | {"verdict_params": words}
            cases.append({"question_id": question.id, "counts": list(counts), "options": options,
                          "comparison": comparison})  # fmt: skip
    OUT.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases -> {OUT.name}")
    for kind, n in sorted(kept.items()):
        print(n, kind)


if __name__ == "__main__":
    main()
