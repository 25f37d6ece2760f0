"""The outcomes report's document, organised by Moore's levels (pure; every number once).

The PDF, JSON and XLSX outcomes exports all render this one document, so they
carry the same numbers. Levels:

1. participation: attendance counts and the PARS learner counts;
2. satisfaction: the items with an evaluation ``role`` (objectives, relevance,
   format, commercial bias and its comments) and any other evaluation item;
3. knowledge: the pre/post twins with a correct answer;
4. competence and confidence: the pre/post twins without a key (a rating's
   means with their change) and the "how sure are you?" ratings pre vs post;
5. commitment to change: the ``commitment`` statements and the
   ``intent_to_change`` scale.

Items are filed by their role (docs/questions.md), never by their wording.
Learners are matched by their participant token: the same phone before and
after. The design (matched or unmatched) is chosen by
:func:`outcomes.choose_design` unless the caller names one. When identities are
on, the counts are suppressed by :mod:`.suppression`'s rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import learning, outcomes
from .items import CONFIDENCE_LEVELS, Answer, ChoiceItem, ItemBase, OpenText, Phase, Rating, Role
from .items.base import EVALUATION_ROLES
from .learning import Pair
from .outcomes import Design
from .questions import QuestionSet
from .stats import ALPHA
from .suppression import MIN_CELL, Ledger

#: Plain verdicts of the item codes (the Holm-adjusted code decides).
VERDICTS = {
    "improved": "Improved: more learners right after than before (significant after Holm).",
    "worsened": "Worsened: fewer learners right after than before (significant after Holm).",
    "changed": "The answers moved between pre and post (significant after Holm).",
    "no_clear_change": "No clear change between pre and post.",
    "no_discordant_pairs": "Nobody changed their answer between pre and post.",
    "too_few_matched": (
        f"Too few matched learners to tell (fewer than {outcomes.MIN_MATCHED} answered both)."
    ),
    "too_few_answers": (
        f"Too few answers to tell (fewer than {outcomes.MIN_PER_GROUP} on a side)."
    ),
    "differs": "Pre and post answers differ (significant after Holm).",
    "no_clear_difference": "No clear difference between pre and post.",
    "too_few": "Too few answers to tell.",
    "increased": "Higher after than before (the 95% interval of the change is above 0).",
    "decreased": "Lower after than before (the 95% interval of the change is below 0).",
}


#: The null verdicts of an item whose own test was significant but whose Holm-adjusted
#: p is not: a reader who sees "p 0.031" beside "no clear change" must be told why.
HOLM_NULL = {
    code: VERDICTS[code].removesuffix(".") + " after the Holm adjustment across items."
    for code in ("no_clear_change", "no_clear_difference")
}


def verdict(code: str) -> str:
    return VERDICTS.get(code, code.replace("_", " ").capitalize() + ".")


def _side(answers: learning.Answers, qid: str) -> dict[str, Answer]:
    return {t: a[qid] for t, a in answers.items() if qid in a}


def _option_counts(item: ChoiceItem, side: Mapping[str, Answer]) -> list[dict[str, Any]]:
    values = list(side.values())
    return [
        {
            "option_id": o.id,
            "text": o.text,
            "count": sum(1 for v in values if v == o.id or (isinstance(v, tuple) and o.id in v)),
        }
        for o in item.options
    ]


#: "How sure are you?": its levels, whose ends a mean's interval cannot pass.
CONFIDENCE_SCALE = tuple(float(level) for level in CONFIDENCE_LEVELS)


def _scale(item: Rating) -> list[float]:
    """A rating's points, whose ends a mean's interval cannot pass."""
    return [p.value for p in item.options]


def _values(item: Rating, side: Mapping[str, Answer]) -> dict[str, float]:
    """A rating's answers as the numbers its points stand for."""
    value = {p.id: p.value for p in item.options}
    return {t: value[a] for t, a in side.items() if isinstance(a, str) and a in value}


# --- levels 3 and 4: the pre/post twins ---------------------------------------------------


def _counts_cells(ledger: Ledger, block: dict[str, Any], item: ItemBase, side: str) -> None:
    """Register one side's option counts; a one-answer item's add up to those who answered."""
    rows = block["counts"][side]
    keys = [(block["pre_id"], "count", side, r["option_id"]) for r in rows]
    for key, row in zip(keys, rows, strict=True):
        ledger.count(key, row, "count")
    if item.counted:
        ledger.table((block["pre_id"], "answered", side), keys)


def _right_cells(ledger: Ledger, block: dict[str, Any], item: ItemBase, rights: Any) -> None:
    """Right and wrong answers per side: they add up to the side's answers; shares rest on them."""
    pid = block["pre_id"]
    for side in ("pre", "post"):
        right, wrong = (pid, "right", side), (pid, "wrong", side)
        ledger.value(right, rights[side])
        ledger.value(wrong, block["answered"][side] - rights[side])
        ledger.table((pid, "answered", side), [right, wrong])
        correct = set(getattr(item, "correct", None) or ())
        if item.counted and correct:  # right = the count of the key's options
            ledger.table(right, [(pid, "count", side, o) for o in sorted(correct)])
        ledger.derived([right, (pid, "answered", side)], block["share_right"], side)


def _pair_block(pair: Pair, answers: learning.Answers, ledger: Ledger) -> dict[str, Any]:
    pre, post = _side(answers, pair.pre.id), _side(answers, pair.post.id)
    pid = pair.pre.id
    block: dict[str, Any] = {
        "pre_id": pid,
        "post_id": pair.post.id,
        "text": pair.pre.text,
        "type": pair.pre.type,
        "analysis": pair.analysis,
        "answered": {"pre": len(pre), "post": len(post)},
        "learners": outcomes.split(pre, post).learners.to_dict(),
    }
    for side in ("pre", "post"):
        ledger.count((pid, "answered", side), block["answered"], side)
    for k in ("matched", "pre_only", "post_only"):
        ledger.count((pid, "learners", k), block["learners"], k)
    ledger.table(
        (pid, "answered", "pre"), [(pid, "learners", "matched"), (pid, "learners", "pre_only")]
    )
    ledger.table(
        (pid, "answered", "post"), [(pid, "learners", "matched"), (pid, "learners", "post_only")]
    )
    if pair.analysis == "right_wrong":
        rights = {"pre": sum(1 for a in pre.values() if pair.pre.is_correct(a)),
                  "post": sum(1 for a in post.values() if pair.post.is_correct(a))}  # fmt: skip
        block["share_right"] = {s: rights[s] / len(x) if x else None
                                for s, x in (("pre", pre), ("post", post))}  # fmt: skip
        _right_cells(ledger, block, pair.pre, rights)
    if isinstance(pair.pre, ChoiceItem):
        block["counts"] = {"pre": _option_counts(pair.pre, pre),
                           "post": _option_counts(pair.pre, post)}  # fmt: skip
        for side in ("pre", "post"):
            _counts_cells(ledger, block, pair.pre, side)
    return block


def _test_cells(ledger: Ledger, block: dict[str, Any], test: dict[str, Any]) -> list[Any]:
    """The test's table: its cells are counts, every other number of it rests on them."""
    pid, kind = block["pre_id"], test["test"]
    keys: list[Any] = []
    if kind == "mcnemar":
        keys = [(pid, "mcnemar", c) for c in "abcd"]
        for key, c in zip(keys, "abcd", strict=True):
            ledger.count(key, test["counts"], c)
        ledger.table((pid, "learners", "matched"), keys)
    elif kind == "stuart_maxwell":
        for i, row in enumerate(test["table"]):
            for j in range(len(row)):
                keys.append((pid, "table", i, j))
                ledger.count(keys[-1], row, j)
        ledger.table((pid, "learners", "matched"), keys)
    else:  # unmatched: the same cells as the counts (or right/wrong) of each side
        for side in ("pre", "post"):
            names = (
                [(pid, "right", side), (pid, "wrong", side)]
                if block["analysis"] == "right_wrong"
                else [(pid, "count", side, r["option_id"]) for r in block["counts"][side]]
            )
            for i, key in enumerate(names):
                ledger.count(key, test[side], i)
            keys += names
    if kind != "unmatched":
        ledger.count((pid, "learners", "matched"), test, "n_matched")
        _one_sided(ledger, block, test)
    _minimum_n(ledger, block, test)
    ledger.derived(keys, block, "test")
    ledger.derived(keys, block, "p_holm")
    return keys


def _one_sided(ledger: Ledger, block: dict[str, Any], test: dict[str, Any]) -> None:
    """A side's answers are the matched learners' plus the one-sided learners' (unknown, ≥ 0).

    So each option's count (or right, wrong) is at least its share of the matched table,
    and what is left over adds up to the pre-only (post-only) learners: a reader
    subtracts, and so does the rule.
    """
    pid = block["pre_id"]
    for side, only in (("pre", "pre_only"), ("post", "post_only")):
        groups = _matched_groups(block, test, side)
        rests = []
        for total, parts in groups:
            rest = (pid, "one_sided", side, total)
            ledger.unknown(rest, ledger.cells[total] - sum(ledger.cells[k] for k in parts))
            ledger.table(total, [*parts, rest])
            rests.append(rest)
        ledger.table((pid, "learners", only), rests)


def _matched_groups(block: dict[str, Any], test: dict[str, Any], side: str) -> list[Any]:
    """(a side's count, the matched table's cells inside it) per category."""
    pid = block["pre_id"]
    if test["test"] == "mcnemar":  # pre rows right, wrong; post columns right, wrong
        a, b, c, d = ((pid, "mcnemar", x) for x in "abcd")
        inside = {"pre": ([a, b], [c, d]), "post": ([a, c], [b, d])}[side]
        names = [(pid, "right", side), (pid, "wrong", side)]
        return list(zip(names, inside, strict=True))
    k = len(test["table"])
    groups = []
    for i, row in enumerate(block["counts"][side]):
        cells = [(pid, "table", i, j) if side == "pre" else (pid, "table", j, i) for j in range(k)]
        groups.append(((pid, "count", side, row["option_id"]), cells))
    return groups


def _minimum_n(ledger: Ledger, block: dict[str, Any], test: dict[str, Any]) -> None:
    """A verdict says which side of the minimum n a count is: "too few" or tested."""
    pid = block["pre_id"]
    if test["test"] != "unmatched":
        matched = (pid, "learners", "matched")
        if test["code"] == "too_few_matched":
            ledger.bound(matched, high=outcomes.MIN_MATCHED - 1)
        else:
            ledger.bound(matched, low=outcomes.MIN_MATCHED)
    elif test["code"] != "too_few_answers":  # too few: one side or the other, unknown which
        for side in ("pre", "post"):
            ledger.bound((pid, "answered", side), low=outcomes.MIN_PER_GROUP)


def _tested(
    block: dict[str, Any], result: Any, adj: Any, bowker: bool, ledger: Ledger
) -> list[Any]:
    """Add the item's test, Holm p and verdict; return the cells the test rests on."""
    test = result.to_dict()["result"]
    if test.get("test") == "stuart_maxwell" and not bowker:
        test.pop("bowker", None)  # Bowker only when asked (docs/outcomes-statistics.md)
    block["test"] = test
    block["p_holm"] = adj.p_holm if adj else None
    block["code"] = adj.code if adj else result.code
    holm_decided = adj is not None and adj.code != result.code
    block["verdict"] = HOLM_NULL[block["code"]] if holm_decided else verdict(block["code"])
    return _test_cells(ledger, block, test)


def _rating_means(block: dict[str, Any], pair: Pair, answers: learning.Answers,
                  design: Design, ledger: Ledger) -> None:  # fmt: skip
    """A rating twin's mean pre and post with intervals, and its change (level 4)."""
    if not isinstance(pair.pre, Rating):
        return
    pre = _values(pair.pre, _side(answers, pair.pre.id))
    post = _values(pair.pre, _side(answers, pair.post.id))
    change = outcomes.rating_change(pre, post, design, _scale(pair.pre)).to_dict()
    block["means"] = change
    pid = block["pre_id"]
    for side in ("pre", "post"):
        counts = [(pid, "count", side, r["option_id"]) for r in block["counts"][side]]
        ledger.count((pid, "answered", side), change[side], "n")
        ledger.derived([(pid, "answered", side), *counts], change[side], "mean")
        ledger.derived([(pid, "answered", side), *counts], change[side], "ci")
    n = (pid, "learners", "matched") if design is Design.MATCHED else (pid, "rating_n")
    ledger.count(n, change, "n")
    _change_bounds(ledger, change, n, [(pid, "answered", s) for s in ("pre", "post")])
    for field in ("change", "change_ci", "cohens_d", "p_value"):
        ledger.derived([n, (pid, "answered", "pre"), (pid, "answered", "post")], change, field)


def _confidence(questions: QuestionSet, sure: Mapping[str, Mapping[str, int]],
                design: Design, ledger: Ledger) -> list[dict[str, Any]]:  # fmt: skip
    """ "How sure are you?" (1–4) on each pre/post pair that asks it: means and the change."""
    rows = []
    for pair in learning.pairs(questions):
        if not (pair.pre.confidence and pair.post.confidence):
            continue
        pre = {t: float(s[pair.pre.id]) for t, s in sure.items() if pair.pre.id in s}
        post = {t: float(s[pair.post.id]) for t, s in sure.items() if pair.post.id in s}
        change = outcomes.rating_change(pre, post, design, CONFIDENCE_SCALE).to_dict()
        row = {"pre_id": pair.pre.id, "text": pair.pre.text,
               "n_matched": len(pre.keys() & post.keys()), **change}  # fmt: skip
        rows.append(row)
        key = (pair.pre.id, "sure")
        for side in ("pre", "post"):
            ledger.count((*key, side), change[side], "n")
            ledger.derived([(*key, side)], change[side], "mean")
            ledger.derived([(*key, side)], change[side], "ci")
        ledger.count((*key, "matched"), row, "n_matched")
        ledger.count((*key, "n"), row, "n")
        _change_bounds(ledger, change, (*key, "n"), [(*key, "pre"), (*key, "post")])
        for field in ("change", "change_ci", "cohens_d", "p_value"):
            ledger.derived([(*key, "n"), (*key, "pre"), (*key, "post")], row, field)
    return rows


def _change_bounds(ledger: Ledger, change: dict[str, Any], n: Any, sides: list[Any]) -> None:
    """A change's code says which side of its minimum its n is: "too few", or computed."""
    matched = change["design"] == Design.MATCHED.value
    least = outcomes.MIN_MATCHED if matched else outcomes.MIN_PER_GROUP
    if change["code"] == "too_few":
        ledger.bound(n, high=least - 1)
        return
    ledger.bound(n, low=least)
    if not matched:  # n is the smaller side
        for key in sides:
            ledger.bound(key, low=least)


# --- levels 2 and 5: single items by role ------------------------------------------------


def _statements(side: Mapping[str, Answer]) -> list[str]:
    """Free texts as written, sorted: the order of answering would line up with other files."""
    return sorted((str(a).strip() for a in side.values() if str(a).strip()), key=str.casefold)


def _single(item: ItemBase, answers: learning.Answers, ledger: Ledger) -> dict[str, Any]:
    side = _side(answers, item.id)
    block: dict[str, Any] = {"id": item.id, "text": item.text, "type": item.type,
                             "role": item.role.value if item.role else None,
                             "answered": len(side)}  # fmt: skip
    if not isinstance(item, OpenText):  # texts are listed, so their number is no secret
        ledger.count((item.id, "answered"), block, "answered")
    if isinstance(item, ChoiceItem):
        block["counts"] = _option_counts(item, side)
        keys = [(item.id, "count", r["option_id"]) for r in block["counts"]]
        for key, row in zip(keys, block["counts"], strict=True):
            ledger.count(key, row, "count")
        if item.counted:
            ledger.table((item.id, "answered"), keys)
        if isinstance(item, Rating):
            values = list(_values(item, side).values())
            block["mean"] = outcomes.mean_ci(values, _scale(item)).to_dict()
            ledger.derived([(item.id, "answered"), *keys], block["mean"], "mean")
            ledger.derived([(item.id, "answered"), *keys], block["mean"], "ci")
        if item.role is Role.EVAL_BIAS:  # the second option says "not free of bias"
            block["not_free_of_bias"] = block["counts"][1]["count"]
            ledger.count(keys[1], block, "not_free_of_bias")
    if isinstance(item, OpenText):
        block["statements"] = _statements(side)
    return block


def _conditions(ledger: Ledger, questions: QuestionSet, doc: dict[str, Any]) -> None:
    """A comment shown only after some answers: those answers are at least the comments.

    The comments are listed (fixed), so a reader knows that many learners chose one of
    the answers that show the box (e.g. "No" on commercial bias); the rest who chose
    them are unknown. Left out when an answer was changed after commenting (the
    comment is kept), so the listed comments outnumber those answers.
    """
    for block in doc["level2_satisfaction"] + doc["level5_commitment"]:
        item = questions.question(block["id"])
        cond = item.show_if if item is not None else None
        if cond is None:
            continue
        shown = [(cond.item, "count", o) for o in cond.options]
        if not all(k in ledger.cells for k in shown):
            continue  # the answer that shows the box is not in this report
        chose, said = (block["id"], "chose"), (block["id"], "answered")
        rest = sum(ledger.cells[k] for k in shown) - block["answered"]
        if rest < 0:
            continue
        ledger.unknown(chose, rest + block["answered"])
        ledger.table(chose, shown)
        ledger.known(said, block["answered"])
        ledger.unknown((block["id"], "did_not_comment"), rest)
        ledger.table(chose, [said, (block["id"], "did_not_comment")])


def _evaluation(questions: QuestionSet, paired: set[str]) -> list[ItemBase]:
    """Level 2, in the set's order: the evaluation roles and evaluation items without a role."""
    return [
        q
        for q in questions.questions
        if q.role in EVALUATION_ROLES
        or (q.role is None and q.phase is Phase.EVALUATION and q.id not in paired)
    ]


def _commitment(questions: QuestionSet) -> Sequence[ItemBase]:
    wanted = (Role.COMMITMENT, Role.INTENT_TO_CHANGE)
    return [q for q in questions.questions if q.role in wanted]


# --- the document ---------------------------------------------------------------------


def _pairs(
    questions: QuestionSet,
    answers: learning.Answers,
    design: Design,
    bowker: bool,
    ledger: Ledger,
    rests_on: dict[str, list[Any]],
) -> tuple[list[dict[str, Any]], Any]:
    """Every pre/post pair's block; ``rests_on`` gets each tested item's cells."""
    found = learning.learning_outcomes(questions, answers, design)
    tested = {o.item_id: o for o in found.tested}
    adjusted = {a.item_id: a for a in found.summary.items}
    blocks = []
    for pair in learning.pairs(questions):
        block = _pair_block(pair, answers, ledger)
        result = tested.get(pair.pre.id)
        cells = _tested(block, result, adjusted.get(pair.pre.id), bowker, ledger) if result else []
        _rating_means(block, pair, answers, design, ledger)
        blocks.append(block)
        rests_on[pair.pre.id] = cells
    return blocks, found


def report(
    questions: QuestionSet,
    answers: learning.Answers,
    sure: Mapping[str, Mapping[str, int]],
    participation: Mapping[str, Any],
    identified: bool,
    design: Design | None = None,
    bowker: bool = False,
) -> dict[str, Any]:
    """The outcomes report's document (see the module docstring).

    :param participation: the attendance summary (counts and PARS), level 1 as is.
    :param design: matched or unmatched; ``None`` lets :func:`outcomes.choose_design` decide.
    :param bowker: add Bowker's test of symmetry to the k-category items.
    """
    pair_list = learning.pairs(questions)
    learners = outcomes.activity_learners(learning.pair_answers(p, answers) for p in pair_list)
    chosen = design or outcomes.choose_design(learners)
    ledger, rests_on = Ledger(), dict[str, list[Any]]()
    blocks, found = _pairs(questions, answers, chosen, bowker, ledger, rests_on)
    paired = {p.pre.id for p in pair_list} | {p.post.id for p in pair_list}
    summary = found.summary.to_dict()
    _summary_cells(ledger, summary, rests_on)
    doc = {
        "design": chosen.value,
        "design_chosen_by": "caller" if design else "rule",
        "identified": identified,
        "min_cell": MIN_CELL if identified else None,
        "level1_participation": dict(participation),
        "level2_satisfaction": [
            _single(q, answers, ledger) for q in _evaluation(questions, paired)
        ],  # fmt: skip
        "level3_knowledge": [b for b in blocks if b["analysis"] == "right_wrong"],
        "level4_competence": {
            "items": [b for b in blocks if b["analysis"] != "right_wrong"],
            "confidence": _confidence(questions, sure, chosen, ledger),
        },
        "level5_commitment": [_single(q, answers, ledger) for q in _commitment(questions)],
        "summary": summary,
        "methods": _methods(bowker),
        "suppressed": 0,
    }
    if identified:
        _conditions(ledger, questions, doc)
        doc["suppressed"] = len(ledger.apply())
    doc["summary_verdict"] = _summary_verdict(summary, chosen)
    return doc


def _summary_cells(ledger: Ledger, summary: dict[str, Any], rests_on: dict[str, list[Any]]) -> None:
    """The activity's learner counts, and the per-item and pooled figures resting on items."""
    for k in ("matched", "pre_only", "post_only"):
        ledger.count(("activity", k), summary["learners"], k)
    for row in summary["items"]:
        keys = rests_on.get(row["item_id"], [])
        ledger.derived(keys, row, "p_value")
        ledger.derived(keys, row, "p_holm")
    if summary.get("pooled"):
        every = [k for keys in rests_on.values() for k in keys]
        for field in ("odds_ratio", "cohens_d"):
            ledger.derived(every, summary["pooled"], field)


def _methods(bowker: bool) -> dict[str, Any]:
    return {
        "alpha": ALPHA,
        "min_matched": outcomes.MIN_MATCHED,
        "min_per_group": outcomes.MIN_PER_GROUP,
        "min_items": outcomes.MIN_ITEMS,
        "min_cell": MIN_CELL,
        "bowker": bowker,
    }


def _summary_verdict(summary: Mapping[str, Any], design: Design) -> str:
    if summary["code"] == "too_few_items":
        return (
            f"{summary['items_tested']} item(s) could be tested; outcomes teams pool at least "
            f"{outcomes.MIN_ITEMS}, so read the items one by one."
        )
    pooled = summary.get("pooled") or {}
    if pooled.get("odds_ratio") is None:
        return "No pooled effect (no right/wrong items with discordant pairs)."
    if not isinstance(pooled["odds_ratio"], float):
        return f"Pooled effect over {pooled['items']} items withheld (it rests on cells under 5)."
    kind = "matched" if design is Design.MATCHED else "unmatched"
    return (
        f"Pooled odds ratio {pooled['odds_ratio']:.2f} (Cohen's d "
        f"{pooled['cohens_d']:.2f}) over {pooled['items']} items, {kind} learners."
    )
