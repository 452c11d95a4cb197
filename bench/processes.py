"""Running what is measured: a child process timed, with its peak memory and CPU time."""

from __future__ import annotations

import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values) if values else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_child(args: list[str], cwd, env: dict, timeout: float | None = None,
              stdout=subprocess.PIPE, memory_gib: float | None = None) -> tuple[float, float, int, str, str, float]:
    """Run a process; (wall seconds, peak RSS in MiB, return code, stdout, stderr, CPU seconds).
    CPU seconds (user + system, the process and its children) move less than wall time
    when other tenants load the machine.
    ``memory_gib`` caps its address space (peers known to grow without bound)."""
    def limit():
        if memory_gib:
            size = int(memory_gib * 1024 ** 3)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out if stdout is subprocess.PIPE else stdout,
                                   stderr=err, start_new_session=True, preexec_fn=limit if memory_gib else None)
        deadline = start + timeout if timeout else None
        peak = 0.0
        polls = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                os.wait4(process.pid, 0)
                process.returncode = -9
                return time.perf_counter() - start, peak, -9, "", "timed out", 0.0
            polls += 1
            if polls % 5 == 1:
                peak = _high_water_mib(process.pid) or peak
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (elapsed, peak or usage.ru_maxrss / 1024, process.returncode,
                out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                usage.ru_utime + usage.ru_stime)


def _high_water_mib(pid: int) -> float | None:
    """The process's peak resident memory so far (VmHWM), in MiB.

    Read while it runs: the high-water mark restarts at exec, whereas the
    ru_maxrss that wait4 reports includes the forked copy of this (larger)
    process from before the exec. Sampled every 50 ms; the last sample stands."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None
