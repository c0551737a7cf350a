from collections import defaultdict
from typing import Optional, Sequence

from mmengine.hooks import Hook

from mmpr.registry import HOOKS
from mmpr.utils import StageTimer


@HOOKS.register_module()
class InferenceTimingHook(Hook):
    """Log the time per frame of each inference stage over a test run.

    Runs every test iteration inside a :class:`StageTimer`, which sums the
    stages the model marks (preprocessing, backbone, detection, memory,
    propagation, classification, encoding, reduction, output) and counts
    the work it marks (``decodes``: instances decoded by the prop head), and
    logs the per-frame averages when the test ends.

    Args:
        synchronize (bool): Synchronise CUDA around every stage, so that
            each stage's device time is counted in it; this costs the run its
            overlap of host and device work. Defaults to False (on a GPU the
            stages then log the host's time in them; see
            :class:`StageTimer`).
    """

    priority = 'VERY_LOW'

    def __init__(self, synchronize: bool = False) -> None:
        self.synchronize = synchronize

    def before_test(self, runner) -> None:
        self.seconds = defaultdict(float)
        self.counts = defaultdict(int)
        self.frames = 0

    def before_test_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None) -> None:
        self._timer = StageTimer(self.synchronize).__enter__()

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch: Optional[dict] = None,
                        outputs: Optional[Sequence] = None) -> None:
        self._timer.__exit__(None, None, None)
        for stage, seconds in self._timer.seconds.items():
            self.seconds[stage] += seconds
        for name, amount in self._timer.counts.items():
            self.counts[name] += amount
        self.frames += sum(len(video) for video in outputs or [])

    def after_test(self, runner) -> None:
        if not self.frames:
            return
        stages = '  '.join(f'{stage}: {1000 * seconds / self.frames:.1f}'
                           for stage, seconds in self.seconds.items())
        total = 1000 * sum(self.seconds.values()) / self.frames
        counts = ''.join(f'; {name} per frame: {amount / self.frames:.2f}'
                         for name, amount in self.counts.items())
        runner.logger.info(f'inference time per frame (ms) over '
                           f'{self.frames} frames: {stages}  '
                           f'total: {total:.1f}{counts}')
