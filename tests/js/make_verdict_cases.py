"""Write verdict_cases.json: server comparisons and the verdict the server words for each.

verdict.test.mjs checks that verdict.js words the same sentence from ``verdict_code`` and
``verdict_params`` as :mod:`her2poll.core.wording` does. Regenerate after a wording change:
``.venv/bin/python tests/js/make_verdict_cases.py``.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

from her2poll.core.questions import load_question_set
from her2poll.core.results import comparison
from her2poll.core.tallies import Tally

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("verdict_cases.json")
FIELDS = ("verdict", "verdict_code", "published_inconsistent", "published_n", "live_n")


def tallies(width: int) -> list[tuple[int, ...]]:
    """Small, even and lopsided tallies over `width` options (at most 625 of them)."""
    shapes = (0, 1, 3, 8, 20)
    return list(itertools.islice(itertools.product(shapes, repeat=width), 625))


def main() -> None:
    question_set = load_question_set(ROOT / "questions.json")
    cases, kept = [], Counter()
    for question in question_set.questions:
        ids = tuple(question.option_ids)
        options = [{"id": o.id, "text": o.text} for o in question.options]
        for counts in tallies(len(ids)):
            c = comparison(question_set, question.id, Tally(ids, counts))
            words = c["verdict_params"]
            ranged = words["p_low"] != words["p_high"]
            kind = (question.id, c["verdict_code"], ranged, len(words["leaning_option_ids"] or ()))
            if kept[kind] >= 2:  # a few of each kind keep the file small
                continue
            kept[kind] += 1
            wire = {k: c[k] for k in FIELDS} | {"verdict_params": words}
            cases.append({"question_id": question.id, "counts": list(counts), "options": options,
                          "comparison": wire})  # fmt: skip
    OUT.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases -> {OUT.name}")
    for kind, n in sorted(kept.items()):
        print(n, kind)


if __name__ == "__main__":
    main()
