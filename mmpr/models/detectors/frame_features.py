"""The features of a batch of frames that Seq Mask R-CNN's steps share."""
from typing import NamedTuple, Tuple

import torch
from torch import Tensor


class FrameFeatures(NamedTuple):
    """Features of a batch of frames.

    Attributes:
        fpn (tuple[Tensor]): FPN levels P2... , each (N, C, H/s, W/s).
        skips (tuple[Tensor]): Backbone C2 (N, C2, H/4, W/4) and C3
            (N, C3, H/8, W/8), the decoder skips of the propagation head.
    """
    fpn: Tuple[Tensor, ...]
    skips: Tuple[Tensor, Tensor]

    @property
    def device(self) -> torch.device:
        """Where the features are."""
        return self.fpn[0].device

    def split(self, size: int) -> Tuple['FrameFeatures', 'FrameFeatures']:
        """The first ``size`` frames and the rest."""
        head = FrameFeatures(
            tuple(x[:size] for x in self.fpn),
            tuple(x[:size] for x in self.skips))
        tail = FrameFeatures(
            tuple(x[size:] for x in self.fpn),
            tuple(x[size:] for x in self.skips))
        return head, tail
