"""The instance sequences of one video: the result every consumer reads.

Shape shorthand: S sequences, T frames, C classes, (H, W) the mask size.
"""
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.structures import InstanceData
from pycocotools import mask as mask_utils

from .rle import crop_masks, resize_masks, rle_box

SequenceMasks = List[List[Optional[dict]]]


@dataclass
class InstanceSequences:
    """S instance sequences over the T frames of one video.

    Made by :class:`MemoryKPropagator` (the proposals), reduced by
    :class:`SequenceNMS`, read by the metrics, the API and the visualizer.

    Attributes:
        masks (list[list[dict | None]]): ``masks[s][t]``, a compressed RLE
            (``counts`` a str, see :mod:`mmpr.structures.rle`) of size
            ``mask_size``; None where sequence ``s`` is absent (no pixel).
        class_scores (np.ndarray): (S, C) per-class scores: the
            class probabilities averaged over the frames where the sequence
            is present (paper Eq. 2 before the max); after the
            category-aware reduction, -1 for the classes it was dropped for.
        mask_size (tuple[int, int]): (H, W) of the masks.
        num_frames (int): T.
    """
    masks: SequenceMasks
    class_scores: np.ndarray
    mask_size: Tuple[int, int]
    num_frames: int

    def __post_init__(self) -> None:
        self.mask_size = tuple(self.mask_size)
        if len(self.masks) != len(self.class_scores):
            raise ValueError(f'{len(self.masks)} mask sequences but '
                             f'{len(self.class_scores)} class score rows')
        if any(len(row) != self.num_frames for row in self.masks):
            raise ValueError('every sequence needs one mask (or None) per '
                             f'frame, {self.num_frames}')

    def __len__(self) -> int:
        return len(self.masks)

    @property
    def scores(self) -> np.ndarray:
        """(S, ) sequence scores, the best class score (paper Eq. 2)."""
        return self.class_scores.max(axis=1, initial=-np.inf)

    @property
    def labels(self) -> np.ndarray:
        """(S, ) 0-based label of the best class."""
        if not len(self):
            return np.zeros(0, np.int64)
        return self.class_scores.argmax(axis=1)

    def ranked(self, score_thr: float = -np.inf) -> List[int]:
        """The sequences present in some frame and scoring at least
        ``score_thr``, highest score first (ties in index order)."""
        scores = self.scores
        return [
            int(s) for s in np.argsort(-scores, kind='stable')
            if scores[s] >= score_thr and self.frames(s)
        ]

    def frames(self, s: int) -> List[int]:
        """The frames where sequence ``s`` is present."""
        return [t for t, rle in enumerate(self.masks[s]) if rle is not None]

    def select(
            self,
            indices: Sequence[int],
            class_scores: Optional[np.ndarray] = None) -> 'InstanceSequences':
        """The sequences ``indices``, in that order, with their class scores
        or new ones ((len(indices), C))."""
        if class_scores is None:
            class_scores = self.class_scores[list(indices)]
        return InstanceSequences([self.masks[i] for i in indices],
                                 class_scores, self.mask_size, self.num_frames)

    def resize(self,
               size: Tuple[int, int],
               mode: str = 'opencv') -> 'InstanceSequences':
        """The sequences with masks resized to ``size`` (H, W), e.g. from
        the resized input frame to the original frame size, a sequence at a
        time (``mode``: see :func:`resize_masks`)."""
        return self._map_masks(lambda rles: resize_masks(rles, size, mode),
                               size)

    def crop(self, size: Tuple[int, int]) -> 'InstanceSequences':
        """The sequences with masks cropped to their top-left ``size`` (H,
        W), e.g. from the padded input to the image, a sequence at a
        time."""
        return self._map_masks(lambda rles: crop_masks(rles, size), size)

    def _map_masks(self, change: Callable[[List[dict]], List[Optional[dict]]],
                   size: Tuple[int, int]) -> 'InstanceSequences':
        """The sequences with ``change`` applied to the present masks of
        each (a list of RLEs to a list of RLEs or None)."""
        size = tuple(size)
        if size == self.mask_size:
            return self
        masks = []
        for row in self.masks:
            frames = [t for t, rle in enumerate(row) if rle is not None]
            changed: List[Optional[dict]] = [None] * self.num_frames
            for t, rle in zip(frames, change([row[t] for t in frames])):
                changed[t] = rle
            masks.append(changed)
        return InstanceSequences(masks, self.class_scores, size,
                                 self.num_frames)

    def to_dict(self) -> dict:
        """The sequences as json-serialisable lists (:meth:`from_dict`
        gives them back exactly)."""
        return dict(
            masks=self.masks,
            class_scores=self.class_scores.tolist(),
            num_classes=self.class_scores.shape[1],
            dtype=str(self.class_scores.dtype),
            mask_size=list(self.mask_size),
            num_frames=self.num_frames)

    @classmethod
    def from_dict(cls, data: dict) -> 'InstanceSequences':
        """The sequences of :meth:`to_dict`'s dict."""
        class_scores = np.asarray(data['class_scores'], data['dtype']).reshape(
            len(data['masks']), data['num_classes'])
        return cls(data['masks'], class_scores, tuple(data['mask_size']),
                   data['num_frames'])

    def decode(self, s: int, t: int) -> Optional[np.ndarray]:
        """(H, W) bool mask of sequence ``s`` at frame ``t``, or None."""
        rle = self.masks[s][t]
        return None if rle is None else mask_utils.decode(rle).astype(bool)

    def to_records(self,
                   video_id: int,
                   category_score_thr: Optional[float] = None) -> List[dict]:
        """Official YouTube-VIS result records (1-based ``category_id``).

        Args:
            video_id (int): The video's id in the dataset json.
            category_score_thr (float, optional): None: one record per
                sequence, its best class; else one record per (sequence,
                class) whose class score reaches it (the authors' records).
        """
        records = []
        for s, scores in enumerate(self.class_scores.tolist()):
            if not self.frames(s):
                continue
            if category_score_thr is None:
                classes = [int(np.argmax(scores))]
            else:
                classes = [
                    c for c, score in enumerate(scores)
                    if score >= category_score_thr
                ]
            records.extend(
                dict(
                    video_id=video_id,
                    category_id=c + 1,
                    score=scores[c],
                    segmentations=list(self.masks[s])) for c in classes)
        return records

    def frame_instances(self, t: int) -> InstanceData:
        """The N sequences present at frame ``t``, as mmdet's per-frame
        ``pred_track_instances``.

        Returns:
            InstanceData: ``instances_id`` (N, ) (the sequence index),
            ``scores`` (N, ), ``labels`` (N, ), ``class_scores`` (N, C),
            ``bboxes`` (N, 4) (x1, y1, x2, y2) and ``masks`` (N, H, W) bool.
        """
        present = [s for s in range(len(self)) if self.masks[s][t] is not None]
        masks = np.zeros((len(present), *self.mask_size), bool)
        for i, s in enumerate(present):
            masks[i] = self.decode(s, t)
        class_scores = self.class_scores[present]
        return InstanceData(
            instances_id=torch.as_tensor(present, dtype=torch.long),
            scores=torch.as_tensor(self.scores[present], dtype=torch.float32),
            labels=torch.as_tensor(self.labels[present], dtype=torch.long),
            class_scores=torch.as_tensor(class_scores),
            bboxes=torch.as_tensor(
                [rle_box(self.masks[s][t]) for s in present],
                dtype=torch.float32).reshape(-1, 4),
            masks=torch.from_numpy(masks))
