"""Mixed-precision inference: which low precision, and where not to use it.

One switch runs a model under autocast (mmengine's ``TestLoop(fp16=True)``,
``tools/test.py --amp``, ``tools/demo.py --amp``, ``inference_video(...,
amp=True)``): bf16 on a CPU, fp16 on CUDA. The parts that run mmcv ops
without low-precision CPU kernels (NMS, RoIAlign: Mask R-CNN's heads, which
are a small part of the time) run in fp32 inside it (:func:`full_precision`).
"""
from contextlib import contextmanager
from typing import Iterator, Optional, Sequence, Tuple, Union

import torch
from mmengine.runner.amp import autocast
from torch import Tensor, nn

from .cpu_info import cpu_info

Device = Union[str, torch.device]


def autocast_dtype(device: Device) -> torch.dtype:
    """The low precision of ``device``: fp16 on CUDA, bf16 elsewhere."""
    return (torch.float16
            if torch.device(device).type == 'cuda' else torch.bfloat16)


def is_autocast_on(device: Device) -> bool:
    """Whether autocast is active for ``device``'s type."""
    return torch.is_autocast_enabled(torch.device(device).type)


@contextmanager
def mixed_precision(device: Device, enabled: bool = True) -> Iterator[None]:
    """Run the block under autocast on ``device`` (:func:`autocast_dtype`);
    a no-op when ``enabled`` is False."""
    device_type = torch.device(device).type
    with autocast(
            device_type=device_type, dtype=autocast_dtype(device),
            enabled=enabled):
        yield


@contextmanager
def full_precision(device: Device) -> Iterator[None]:
    """Run the block in fp32 even inside autocast (inputs must be cast
    with ``.float()`` by the caller)."""
    with torch.autocast(torch.device(device).type, enabled=False):
        yield


@contextmanager
def channels_last(*modules: nn.Module, enabled: bool = True) -> Iterator[None]:
    """Hold the 4-D weights of ``modules`` channels-last for the block (the
    layout that tensor cores and AMX run under autocast: their convolutions'
    outputs are channels-last too), contiguous again after; a no-op when
    ``enabled`` is False."""
    if not enabled:
        yield
        return
    for module in modules:
        module.to(memory_format=torch.channels_last)
    try:
        yield
    finally:
        for module in modules:
            module.to(memory_format=torch.contiguous_format)


def fp32_contiguous(feats: Sequence[Tensor]) -> Tuple[Tensor, ...]:
    """Feature maps (N, C, H, W) in fp32 and the contiguous layout, as
    mmcv's RoIAlign reads them (its kernels index the raw data, so a
    channels-last input would be read wrongly)."""
    return tuple(x.float().contiguous() for x in feats)


def precision_note(device: Device) -> Optional[str]:
    """A warning when mixed precision will be slower than fp32 on
    ``device``: a CPU without native bf16 (AVX-512 bf16 or AMX) emulates
    it. None when ``device`` has fast low precision."""
    if torch.device(device).type != 'cpu':
        return None
    info = cpu_info()
    if info['bf16']:
        return None
    return (f"mixed precision: this CPU ({info['model']}; ISA: "
            f"{' '.join(info['isa']) or 'no AVX2'}) has no native bf16 "
            '(AVX-512 bf16 or AMX), so bf16 is emulated and slower than '
            'fp32; drop --amp here')


def check_amp(model_cfg: dict, config: str, device: Device) -> Optional[str]:
    """Check that mixed precision (``--amp``) can run a model on ``device``.

    Args:
        model_cfg (dict): The config's ``model``.
        config (str): The config file, for the message.
        device (str | torch.device): Where the model runs.

    Returns:
        str | None: :func:`precision_note`, the warning where mixed
        precision is slower than fp32 on ``device``.

    Raises:
        ValueError: On the CPU, a model that is not mmpr's (no
            ``propagator``, e.g. MaskTrack R-CNN): its mmcv ops (NMS,
            RoIAlign) have no bf16 CPU kernels; mmpr's models run them in
            fp32 under autocast.
    """
    if torch.device(device).type == 'cpu' and 'propagator' not in model_cfg:
        raise ValueError(f'--amp on the CPU runs mmpr models only; {config} '
                         'runs mmcv ops (NMS, RoIAlign) that have no bf16 '
                         'CPU kernels: drop --amp.')
    return precision_note(device)
