"""Mixed-precision training in bf16, on the CPU as on CUDA."""
from contextlib import contextmanager
from typing import Iterator

import torch
from mmengine.optim import OptimWrapper
from mmengine.runner.amp import autocast
from torch import nn

from mmpr.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """An :class:`OptimWrapper` whose forward runs under bf16 autocast.

    ``tools/train.py --amp`` picks it on the CPU, where mmengine's
    ``AmpOptimWrapper`` (fp16 with loss scaling) needs CUDA. bf16 keeps
    fp32's exponent range, so the loss is not scaled. The model's 4-D
    weights are held channels-last (the layout that AMX and tensor cores
    run in low precision); :class:`SeqMaskRCNN` runs its Mask R-CNN heads
    in fp32 inside the autocast (mmcv's CPU RoIAlign has no bf16 kernel).
    Fast on CPUs with AVX-512 bf16 or AMX; elsewhere bf16 is emulated and
    slower than fp32.
    """

    @contextmanager
    def optim_context(self, model: nn.Module) -> Iterator[None]:
        """The forward of a training step: under bf16 autocast on the
        model's device, its weights channels-last (a no-op after the first
        step)."""
        device = next(model.parameters()).device
        model.to(memory_format=torch.channels_last)
        with super().optim_context(model), autocast(
                device_type=device.type, dtype=torch.bfloat16):
            yield
