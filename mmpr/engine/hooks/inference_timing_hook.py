from collections import defaultdict
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpr.registry import HOOKS


@HOOKS.register_module()
class InferenceTimingHook(Hook):
    """Log the time per frame of each inference stage over a test run.

    Reads the stage timer of the model's propagator (backbone, detection,
    propagation, classification, reduction, output) after every video and
    logs the per-frame averages when the test ends.
    """

    priority = 'VERY_LOW'

    def before_test(self, runner) -> None:
        self.seconds = defaultdict(float)
        self.frames = 0

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch: Optional[dict] = None,
                        outputs: Optional[Sequence] = None) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        for stage, seconds in model.propagator.timings().items():
            self.seconds[stage] += seconds
        self.frames += sum(len(video) for video in outputs or [])

    def after_test(self, runner) -> None:
        if not self.frames:
            return
        stages = '  '.join(f'{stage}: {1000 * seconds / self.frames:.1f}'
                           for stage, seconds in self.seconds.items())
        total = 1000 * sum(self.seconds.values()) / self.frames
        runner.logger.info(f'inference time per frame (ms) over '
                           f'{self.frames} frames: {stages}  '
                           f'total: {total:.1f}')
