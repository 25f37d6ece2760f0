"""The PDF outcomes report, read back as text (pypdf and poppler's pdftotext)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from her2poll.core.results import session_results
from her2poll.exports.formats import FORMATS, export_chunks
from her2poll.store import sessions
from her2poll.store.snapshot import read_snapshot
from tests.exports.conftest import EVIL, PARTICIPANTS, QA_ROWS, Voted


def report(v: Voted) -> bytes:
    return b"".join(export_chunks(v.db, v.code, FORMATS["pdf"]))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_report_states_the_session_and_every_verdict(voted: Voted) -> None:
    reader = PdfReader(io.BytesIO(report(voted)))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    assert reader.metadata.title.startswith("Outcomes report: ")
    assert f"Join code {voted.code}" in text
    assert f"Participants joined {PARTICIPANTS}" in text
    assert "Questions asked 5 of 6" in text
    state = sessions.get_session(voted.db, voted.code)
    results = session_results(state, read_snapshot(voted.db, state.id).tallies)
    for q in results["questions"]:
        if q["live"]["n"]:
            assert flat(q["comparison"]["verdict"]) in text
            assert f"answered by {q['live']['n']} participants" in text
    assert "Not asked in this session." in text  # PQ6 is pending
    assert "Wilson score 95% intervals" in text and "largest remainder" in text


def test_the_table_shows_the_reconstructed_published_counts(voted: Voted) -> None:
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(report(voted))).pages))
    assert "Consistent only with n = 9 (largest remainder): 2/4/1/2." not in text  # PQ6 not asked
    assert "Consistent only with n = 10 (any rule): 7/3." in text  # PQ5, open
    assert "8/11" in text  # PQ4: 72% of 11


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poppler_reads_and_renders_every_page(voted: Voted, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report(voted))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "Audience poll outcomes report" in text.stdout
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == len(PdfReader(pdf).pages) >= 3


def audience_section(v: Voted) -> str:
    """The section's text, without the page footers a page break puts inside it."""
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(report(v))).pages))
    text = re.sub(r"her2poll · session \w+ · .*? page \d+ ", "", text)
    start = text.index("Audience questions", text.index("Results by question"))
    return text[start : text.index("Methods", start)]


def test_the_report_lists_answered_and_open_audience_questions_with_votes(asked: Voted) -> None:
    section = audience_section(asked)
    assert "9 questions from the audience: 2 answered, 4 not answered" in section
    assert "Not listed: 1 dismissed, 2 merged into another question" in section
    head = " Question Name Status Votes "
    answered, waiting = section.split(" Answered" + head)[1].split(" Not answered" + head)
    assert answered.index("Is T-DXd approved for HER2-low? Dr. Ana Lima answered 5") < (
        answered.index("What is the role of ctDNA? – answered 1")
    )
    assert "What about brain metastases? – approved, pinned 4" in waiting
    assert "How do you choose for CNS metastases? – approved 2" in waiting
    assert flat(EVIL) in waiting and "Sequencing after T-DXd? Ana pending 0" in waiting
    for row in QA_ROWS:  # dismissed and merged are counted, not listed
        assert (row[1] in section) == (row[3] not in ("dismissed", "merged"))
    assert "P0" not in section  # never who asked


def test_a_session_without_audience_questions_says_so(voted: Voted) -> None:
    section = audience_section(voted)
    assert section.startswith("Audience questions No audience questions.")
    assert "Question Name Status Votes" not in section


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poppler_reads_and_renders_the_audience_questions(asked: Voted, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report(asked))
    pages = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout
        for n in range(1, len(PdfReader(pdf).pages) + 1)
    ]  # fmt: skip
    n = next(i for i, t in enumerate(pages, start=1) if "9 questions from the audience" in t)
    assert "What about brain metastases?" in pages[n - 1] + (pages[n] if n < len(pages) else "")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(n), "-l", str(n), str(pdf), str(tmp_path / "q")],
        check=True,
    )
    assert len(list(tmp_path.glob("q-*.png"))) == 1


def test_published_percentages_are_printed_as_the_source_printed_them(voted: Voted) -> None:
    """PQ1 prints 34%; its counts scaled to n = 12 are 4/12 (33%), labelled as such."""
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(report(voted))).pages))
    pq1 = text[text.index("PQ1. Which") : text.index("PQ2. ")]
    assert "34% printed" in pq1 and "33% printed" not in pq1
    assert "HER2CLIMB (NCT02614794) 2 (17%) 4.7 to 44.8 34% 4/12" in pq1
    assert "Published count, printed % scaled" in pq1
    assert "16% derived, not printed" in pq1  # the remainder the source does not print
    pq4 = text[text.index("PQ4. ") : text.index("PQ5. ")]
    assert "72% printed" in pq4 and "Published count, reconstructed" in pq4
    assert "reconstructed counts, n = 11" in pq4
