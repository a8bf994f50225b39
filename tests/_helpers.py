"""What several test files share: a benchmark script imported as a module, and a child process interrupted."""

import importlib.util
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark(name: str):
    """benchmarks/<name>.py as a module (the benchmarks import their neighbours, hence the path)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(f"_benchmark_{name}", BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


READY_WITHIN = 600  # seconds for a child to compile and print "ready"


def start_child(argv: list[str]) -> subprocess.Popen:
    """``python argv`` with its output piped and SIGINT's default action, as in a terminal: a parent started in
    the background by a shell that is not interactive ignores SIGINT, a child would inherit that, and Python
    then never raises KeyboardInterrupt."""
    return subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def interrupt(argv: list[str], delay: float, wait: float = 30) -> tuple[str, float, str]:
    """Start ``python argv``, wait for it to print "ready", send SIGINT ``delay`` seconds later.

    Returns the next line it prints, the seconds from the signal to that line, and its stderr. The child
    is started by :func:`start_child`. A child that is not ready within ``READY_WITHIN`` seconds (numba
    compiles on a first run), or still running ``wait`` seconds after the signal, is killed, so the test
    fails (with an empty line) instead of waiting for ever.
    """
    child = start_child(argv)
    watchdog = threading.Timer(READY_WITHIN, child.kill)
    watchdog.start()
    try:
        ready = child.stdout.readline().strip()
        if ready != "ready":
            return ready, float("nan"), child.stderr.read()
        time.sleep(delay)
        watchdog.cancel()
        watchdog = threading.Timer(wait, child.kill)
        watchdog.start()
        sent = time.perf_counter()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline().strip()
        reacted = time.perf_counter() - sent
        child.wait(timeout=wait)
        return line, reacted, "" if child.returncode == 0 else child.stderr.read()
    finally:
        watchdog.cancel()
        child.kill()
