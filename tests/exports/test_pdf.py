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
from tests.exports.conftest import PARTICIPANTS, Voted


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
            assert f"Answered by {q['live']['n']} participants" in text
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
