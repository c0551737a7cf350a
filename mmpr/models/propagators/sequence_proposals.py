"""The sequence proposals of one video while a propagator builds them."""
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np
import torch
from torch import Tensor

from mmpr.structures import InstanceSequences


@dataclass
class SequenceProposals:
    """The sequence proposals of one video while they are being built.

    Attributes:
        num_frames (int): T.
        mask_size (tuple[int, int]): (h, w), where masks are cropped.
        masks (list[list[dict | None]]): ``masks[s][t]`` RLE at (h, w).
        key_frames (list[int]): Key frame of each sequence.
        score_sums (Tensor, optional): (S, C) sums of the class
            probabilities of each sequence over the frames where it is
            present, where the probabilities are (no copy to the host
            before the end); None before the first.
        counts (Tensor, optional): (S, ) numbers of those frames.
    """
    num_frames: int
    mask_size: Tuple[int, int]
    masks: List[List[Optional[dict]]] = field(default_factory=list)
    key_frames: List[int] = field(default_factory=list)
    score_sums: Optional[Tensor] = None
    counts: Optional[Tensor] = None

    def add(self, key_frame: int, num: int) -> List[int]:
        """Start ``num`` sequences at ``key_frame``; returns their indices."""
        sequences = list(range(len(self.masks), len(self.masks) + num))
        self.masks.extend([None] * self.num_frames for _ in sequences)
        self.key_frames.extend([key_frame] * num)
        return sequences

    def sequences_of(self, key_frame: int) -> List[int]:
        """The sequences started at ``key_frame``."""
        return [s for s, k in enumerate(self.key_frames) if k == key_frame]

    def add_scores(self, sequences: List[int], probs: Tensor) -> None:
        """Add the (N, C) class probabilities of N distinct sequences at one
        frame where they are present."""
        if self.score_sums is None:
            self.score_sums = probs.new_zeros((0, probs.shape[1]))
            self.counts = torch.zeros(0, dtype=torch.long, device=probs.device)
        missing = len(self.masks) - len(self.score_sums)
        if missing:
            self.score_sums = torch.cat([
                self.score_sums,
                self.score_sums.new_zeros((missing, probs.shape[1]))
            ])
            self.counts = torch.cat(
                [self.counts, self.counts.new_zeros(missing)])
        inds = torch.as_tensor(sequences, device=probs.device)
        self.score_sums[inds] += probs
        self.counts[inds] += 1

    def result(self, num_classes: int) -> InstanceSequences:
        """The proposals, with class probabilities averaged over frames
        (zeros for a sequence never present)."""
        class_scores = np.zeros((len(self.masks), num_classes), np.float32)
        if self.score_sums is not None:
            present = self.counts > 0
            means = self.score_sums[present] / self.counts[present, None]
            rows = torch.nonzero(present)[:, 0].cpu().numpy()
            class_scores[rows] = means.cpu().numpy()
        return InstanceSequences(self.masks, class_scores, self.mask_size,
                                 self.num_frames)
