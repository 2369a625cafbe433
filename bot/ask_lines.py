"""`ask -`: one answer per line of standard input, from two worker processes where there are
two CPUs that are not busy already (docs/performance.md, "Thirteenth pass").

An answer takes ~1 ms of CPU and keeps no state (`Brain.answer_question`), so the lines can be
answered side by side: the brain is built once, then the process forks two workers that share
it (copy on write; the start's objects are frozen out of the collector, bot/collector.py). The
parent reads the lines, hands each to the next worker in turn and prints the answers in the
order of the lines, each as soon as it is there: a program that writes one question and waits
for its answer before the next is served as before. A worker has in hand either one line or a
few short ones (IN_HAND_BYTES), so neither side can block the other however long a line or an
answer is. Without `fork` or with one CPU, the lines are answered in this process, one by one.
The output is byte for byte what one process prints (tests/test_ask_lines.py).
"""

from __future__ import annotations

import io
import json
import os
import queue
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import TextIO

Answer = Callable[[str], str]  # a question -> exactly what is printed for it
# Lines a worker may have in hand, in bytes of JSON: well under a pipe's buffer (64 KiB on
# Linux), so that a line is sent without waiting; a longer line goes alone.
IN_HAND_BYTES = 8192


def worker_count(stdin: TextIO) -> int:
    """2 where two CPUs can run them and standard input is a file descriptor, else 1.

    Where the CPUs are busy already (a load average of as many runnable processes as CPUs),
    a second worker only adds the fork and the pipes (~10% more CPU): measured on the shared
    2-CPU machine, 1,000 lines took ~30% less time with two workers at load ~2 and ~20% more
    at load ~3.5.
    """
    if not hasattr(os, "fork"):
        return 1
    try:
        stdin.fileno()
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        load = os.getloadavg()[0]
    except (AttributeError, OSError, ValueError):
        return 1
    cpus = cpus or 1
    return 2 if cpus >= 2 and load < cpus else 1


def answer_lines(stdin: TextIO, out: TextIO, answer: Answer, workers: int) -> None:
    """Print `answer(line)` for every line of `stdin` (without its line end), in order."""
    if workers < 2:
        for line in stdin:
            out.write(answer(line.rstrip("\r\n")))
            out.flush()
        return
    out.flush()  # a worker must not inherit unwritten output
    pool: list[_Worker] = []
    try:
        for _ in range(workers):
            pool.append(_Worker(answer, [fd for worker in pool for fd in worker.fds()]))
        _serve_lines(_lines_of(stdin), out, pool)
    finally:
        for worker in pool:
            worker.stop()


class _End:
    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def _lines_of(stdin: TextIO) -> queue.SimpleQueue[str | _End]:
    """The lines of standard input as a thread reads them, then an _End.

    The thread reads the descriptor through a reader of its own with the encoding, errors and
    line ends of `sys.stdin`: were it blocked in `sys.stdin` when the process exits (after a
    broken pipe, say), the interpreter's shutdown would wait on that object's lock.
    """
    reader = io.TextIOWrapper(
        io.BufferedReader(io.FileIO(stdin.fileno(), "r", closefd=False)),
        encoding=stdin.encoding,
        errors=stdin.errors,
        newline="\n",
    )
    lines: queue.SimpleQueue[str | _End] = queue.SimpleQueue()

    def read() -> None:
        try:
            for line in reader:
                lines.put(line.rstrip("\r\n"))
        except BaseException as exc:  # a line that cannot be decoded: raised by the parent
            lines.put(_End(exc))
        else:
            lines.put(_End())

    threading.Thread(target=read, name="ask-lines", daemon=True).start()
    return lines


def _serve_lines(lines: queue.SimpleQueue[str | _End], out: TextIO, pool: list[_Worker]) -> None:
    in_hand: deque[_Worker] = deque()  # the worker of each line sent, in the order of the lines
    turn = 0
    end: _End | None = None
    waiting: str | None = None  # a line read but not sent: its worker has enough in hand
    while True:
        while end is None:
            if waiting is None:
                try:  # wait for a line only when no answer is due
                    line = lines.get(block=not in_hand)
                except queue.Empty:
                    break
                if isinstance(line, _End):
                    end = line
                    break
                waiting = json.dumps(line) + "\n"
            worker = pool[turn % len(pool)]
            if not worker.can_take(waiting):
                break
            worker.send(waiting)
            waiting = None
            turn += 1
            in_hand.append(worker)
        if not in_hand:
            break
        out.write(in_hand.popleft().receive())
        out.flush()
    if end is not None and end.error is not None:
        raise end.error


class _Worker:
    """A forked process that answers the lines it is sent, one at a time, in order."""

    def __init__(self, answer: Answer, inherited: Iterable[int]) -> None:
        line_read, line_write = os.pipe()
        answer_read, answer_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            _work(answer, line_read, answer_write, [line_write, answer_read, *inherited])
        os.close(line_read)
        os.close(answer_write)
        self.pid = pid
        self._in_hand: deque[int] = deque()  # the sizes of the lines sent and not answered
        # JSON with ASCII escapes on both pipes: any string crosses unchanged (lone surrogates
        # of a non-UTF-8 input included), one line each.
        self._lines = os.fdopen(line_write, "w", encoding="ascii", newline="\n")
        self._answers = os.fdopen(answer_read, "r", encoding="ascii", newline="\n")

    def fds(self) -> list[int]:
        return [self._lines.fileno(), self._answers.fileno()]

    def can_take(self, sent: str) -> bool:
        """Any line when it has none in hand; else lines while those in hand are short enough
        to sit in the pipe (so that sending never waits on a worker that waits on us)."""
        return not self._in_hand or sum(self._in_hand) + len(sent) <= IN_HAND_BYTES

    def send(self, sent: str) -> None:
        self._lines.write(sent)
        self._lines.flush()
        self._in_hand.append(len(sent))

    def receive(self) -> str:
        got = self._answers.readline()
        if not got:
            raise RuntimeError("an `ask` worker process stopped before answering")
        self._in_hand.popleft()
        answer: str = json.loads(got)
        return answer

    def stop(self) -> None:
        """Close its pipes (it ends at the end of its lines) and wait for it."""
        for stream in (self._lines, self._answers):
            try:
                stream.close()
            except OSError:
                pass
        os.waitpid(self.pid, 0)


def _work(answer: Answer, line_fd: int, answer_fd: int, others: list[int]) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's; its EOF ends us
        for fd in others:
            os.close(fd)
        lines = os.fdopen(line_fd, "r", encoding="ascii", newline="\n")
        answers = os.fdopen(answer_fd, "w", encoding="ascii", newline="\n")
        for line in lines:
            answers.write(json.dumps(answer(json.loads(line))) + "\n")
            answers.flush()
    except BrokenPipeError:
        pass  # the parent is gone (its output was closed): nothing left to answer
    except BaseException:
        import traceback

        traceback.print_exc(file=sys.stderr)
        sys.stderr.flush()
        code = 1
    finally:
        os._exit(code)
