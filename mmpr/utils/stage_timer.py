"""Wall time per inference stage, collected by whoever asks for it.

The model and the propagator mark their stages with :func:`timed_stage`; the
marks cost nothing unless a caller (``InferenceTimingHook``, a benchmark)
runs the code inside an active :class:`StageTimer`. A timer does not
synchronise CUDA unless asked (``synchronize=True``): on a GPU, a stage's
time is then the host's time in it (launching kernels, or waiting where the
stage itself copies to the host), and the run keeps its overlap of host and
device work; synchronised, each stage gets its device time too, and the run
loses that overlap. Each mark is also a
``torch.profiler.record_function`` range named ``mmpr.<stage>``, so the
stages show in a torch profiler trace. Work that is counted rather than
timed (e.g. the instances decoded) is added with :func:`count_work`.
"""
import time
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Dict, Iterator, Optional

import torch

_ACTIVE: ContextVar[Optional['StageTimer']] = ContextVar(
    'mmpr_stage_timer', default=None)


class StageTimer:
    """Sum the seconds of each stage run while this timer is active, and
    the counts of :func:`count_work`.

    Args:
        synchronize (bool): Synchronise CUDA around every stage on a CUDA
            device, so that each stage's device work is counted in it (and
            the host waits for the device at every stage). Defaults to False.

    Example:
        >>> with StageTimer() as timer:
        ...     model.test_step(data)
        >>> timer.seconds  # {'backbone': 0.8, 'propagation': 2.1, ...}
        >>> timer.counts  # {'decodes': 120}
    """

    def __init__(self, synchronize: bool = False) -> None:
        self.synchronize = synchronize
        self.seconds: Dict[str, float] = defaultdict(float)
        self.counts: Dict[str, int] = defaultdict(int)
        self._tokens = []

    def __enter__(self) -> 'StageTimer':
        self._tokens.append(_ACTIVE.set(self))
        return self

    def __exit__(self, *exc_info) -> None:
        _ACTIVE.reset(self._tokens.pop())


@contextmanager
def timed_stage(stage: str,
                device: Optional[torch.device] = None) -> Iterator[None]:
    """Mark the code in the block as ``stage`` (CUDA-synchronised on a CUDA
    ``device`` while a timer with ``synchronize`` is active)."""
    timer = _ACTIVE.get()
    with torch.profiler.record_function(f'mmpr.{stage}'):
        if timer is None:
            yield
            return
        sync = (
            timer.synchronize and device is not None and device.type == 'cuda')
        if sync:
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        try:
            yield
        finally:
            if sync:
                torch.cuda.synchronize(device)
            timer.seconds[stage] += time.perf_counter() - start


def count_work(name: str, amount: int) -> None:
    """Add ``amount`` to the count ``name`` of the active timer, if any."""
    timer = _ACTIVE.get()
    if timer is not None:
        timer.counts[name] += amount
