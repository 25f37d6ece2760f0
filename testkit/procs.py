"""Small process helpers: file limits, resident memory, children, waiting for HTTP.

They read Linux's ``/proc`` directly because the benchmark measures the very
processes it started, and psutil would be one more dependency for three reads.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from her2poll.cli import port_free


def raise_nofile() -> int:
    """Raise this process's open-files limit to its hard limit; children inherit it.

    15,000 WebSockets need 15,000 descriptors in the client and twice that in
    nginx; the common default soft limit of 1,024 would fail the run at once.
    Returns the soft limit now in force.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1_048_576
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            return soft
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kb(pid: int) -> int:
    """The resident set size (``VmRSS``) of a process, in KiB; 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (a gunicorn master's workers)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(c) for c in text)
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def free_ports(count: int, start: int, end: int) -> list[int]:
    """``count`` consecutive free ports in ``[start, end]``: servers here use fixed ranges."""
    for first in range(start, end - count + 2):
        if all(port_free(p) for p in range(first, first + count)):
            return list(range(first, first + count))
    raise RuntimeError(f"no {count} consecutive free ports in {start}-{end}")


def wait_http(url: str, proc: subprocess.Popen[bytes] | None, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers 200; fail early if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.args!r} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError) as e:
            last = e
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s ({last})")


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Stop a child we started (and its process group), politely first, then by force."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used, in seconds; 0.0 if it is gone.

    Per vote, this is the benchmark's most robust figure: wall-clock latency on a
    shared 2-core machine depends on every other process; CPU spent does not.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy(seconds: float = 2.0) -> float:
    """Share of all cores busy over ``seconds`` (from /proc/stat), 0.0 to 1.0."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(1, total1 - total0)


def wait_quiet(limit: float, timeout: float) -> float:
    """Wait (at most ``timeout`` s) until other work uses under ``limit`` of the CPU.

    Returns the last share measured, for the report: the machine is shared.
    """
    deadline = time.monotonic() + timeout
    busy = machine_busy()
    while busy > limit and time.monotonic() < deadline:
        busy = machine_busy()
    return busy
