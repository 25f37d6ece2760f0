"""py-spy around the vote phases: where the server's time goes.

``py-spy record --format raw`` writes collapsed stacks (``a;b;c count``);
:func:`summarize` turns them into the few lines a report needs: the functions
with the most samples on top of the stack (self) and anywhere in it (total).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path


class Profiler:
    """Sample some processes from :meth:`start` until :meth:`stop`."""

    def __init__(self, out_prefix: Path, rate: int = 100, native: bool = False) -> None:
        self.out_prefix = out_prefix
        self.rate = rate
        #: also sample C frames: shows garbage collection, zlib and libev time, which
        #: Python-only samples charge to whatever Python frame happened to be running
        self.native = native
        self.running: list[tuple[subprocess.Popen[bytes], Path]] = []
        self.files: list[Path] = []

    def start(self, pids: list[int], label: str) -> None:
        """Record each of ``pids`` into ``<prefix>-<label>-pid<pid>.txt``."""
        # The bench extra installs it into the virtual environment, often not on PATH.
        beside = Path(sys.executable).with_name("py-spy")
        binary = str(beside) if beside.exists() else shutil.which("py-spy")
        if binary is None:
            raise FileNotFoundError("py-spy is not installed (pip install py-spy)")
        self.out_prefix.parent.mkdir(parents=True, exist_ok=True)  # py-spy makes no folders
        for pid in pids:
            out = self.out_prefix.with_name(f"{self.out_prefix.name}-{label}-pid{pid}.txt")
            cmd = [binary, "record", "--pid", str(pid), "--format", "raw"]
            cmd += ["--rate", str(self.rate), "--output", str(out)]
            cmd += ["--native"] if self.native else []
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.running.append((proc, out))

    def stop(self) -> list[Path]:
        for proc, _out in self.running:
            proc.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        for proc, out in self.running:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
            if out.exists():
                self.files.append(out)
        self.running = []
        return self.files


def _frame(raw: str) -> str:
    """``func (path/to/module.py:123)`` -> ``func (module.py)``; line numbers differ per call."""
    name, _, where = raw.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({'/'.join(path.split('/')[-2:])})"


def summarize(path: Path, top: int = 15) -> dict[str, list[tuple[str, float]]]:
    """Share of samples (percent) per function: on top of the stack, and anywhere in it."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";")]
        samples += n
        own[frames[-1]] += n
        for f in set(frames):
            total[f] += n
    if not samples:
        return {"self": [], "total": []}

    def pct(c: Counter[str]) -> list[tuple[str, float]]:
        return [(f, round(100 * n / samples, 1)) for f, n in c.most_common(top)]

    return {"samples": [("samples", samples)], "self": pct(own), "total": pct(total)}
