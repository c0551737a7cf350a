"""Pairwise IoU of dense masks (the key-frame mask NMS, early reduction)."""
import torch
from torch import Tensor


def mask_ious(masks: Tensor, others: Tensor) -> Tensor:
    """IoU of every mask of ``masks`` with every mask of ``others``.

    Args:
        masks (Tensor): (N, H, W) bool masks.
        others (Tensor): (M, H, W) bool masks.

    Returns:
        Tensor: (N, M) float32 IoUs (0 where both masks are empty), from
        exact pixel counts (fp32 even under autocast, whose bf16/fp16 would
        round counts above 256 or overflow above 65,504; exact up to 2^24
        pixels a mask).
    """
    with torch.autocast(device_type=masks.device.type, enabled=False):
        flat = masks.flatten(1).float()
        other = others.flatten(1).float()
        inter = flat @ other.T
        union = flat.sum(1)[:, None] + other.sum(1)[None] - inter
        return inter / union.clamp(min=1)
