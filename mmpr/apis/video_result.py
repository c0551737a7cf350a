"""The instance sequences of one video, as the inference API returns them.

Shape shorthand: T frames, S sequences, C classes, (H, W) the frame size.
"""
import json
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmengine.structures import InstanceData

from mmpr.structures import InstanceSequences, from_record, rle_box


@dataclass
class InstanceSequence:
    """One instance through a video (a view of one of
    :class:`InstanceSequences`).

    Attributes:
        id (int): Sequence id, the same on every frame (it picks the drawing
            colour).
        label (int): 0-based class index.
        category (str): Class name.
        score (float): Sequence score (paper Eq. 2).
        masks (list[dict | None]): T compressed RLE masks at (H, W), with
            ``counts`` as str; None where the instance is absent.
        bboxes (list[list[float] | None]): T boxes (x1, y1, x2, y2) in
            pixels; None where absent.
    """
    id: int
    label: int
    category: str
    score: float
    masks: List[Optional[dict]]
    bboxes: List[Optional[List[float]]]

    @property
    def frames(self) -> List[int]:
        """Indices of the frames where the instance is present."""
        return [t for t, mask in enumerate(self.masks) if mask is not None]


@dataclass
class VideoResult:
    """The instance sequences of one video, highest score first.

    Attributes:
        instance_sequences (InstanceSequences): The S sequences at the
            frames' size; sequence ``s`` has id ``s``.
        classes (tuple[str]): Class names, indexed by label.
    """
    instance_sequences: InstanceSequences
    classes: Tuple[str, ...]

    @classmethod
    def from_sequences(cls,
                       sequences: InstanceSequences,
                       classes: Sequence[str],
                       score_thr: float = 0.0) -> 'VideoResult':
        """The sequences present in some frame and scoring at least
        ``score_thr``, highest first."""
        return cls(
            sequences.select(sequences.ranked(score_thr)), tuple(classes))

    @classmethod
    def from_records(cls, records: Sequence[dict], num_frames: int,
                     classes: Sequence[str]) -> 'VideoResult':
        """Sequences of official YouTube-VIS result records of one video.

        Each record becomes a sequence scoring ``score`` for its category
        (-1 for the others).

        Raises:
            ValueError: A record does not have ``num_frames`` masks.
        """
        masks, labels, scores = [], [], []
        for index, record in enumerate(records):
            segmentations = record['segmentations']
            if len(segmentations) != num_frames:
                raise ValueError(
                    f'record {index} of video {record["video_id"]} has '
                    f'{len(segmentations)} segmentations but the video has '
                    f'{num_frames} frames; are the results for this '
                    'annotation file?')
            masks.append([from_record(rle) for rle in segmentations])
            labels.append(int(record['category_id']) - 1)
            scores.append(float(record['score']))
        num_classes = max([len(classes)] + [label + 1 for label in labels])
        class_scores = np.full((len(records), num_classes), -1.0)
        class_scores[np.arange(len(records)), labels] = scores
        size = next((tuple(rle['size']) for row in masks
                     for rle in row if rle is not None), (0, 0))
        sequences = InstanceSequences(masks, class_scores, size, num_frames)
        return cls.from_sequences(sequences, classes, score_thr=-np.inf)

    @property
    def num_frames(self) -> int:
        """T."""
        return self.instance_sequences.num_frames

    @property
    def sequences(self) -> List[InstanceSequence]:
        """Every sequence with its category name and per-frame boxes."""
        seqs = self.instance_sequences
        return [
            InstanceSequence(
                id=s,
                label=int(label),
                category=self.category(label),
                score=float(score),
                masks=list(seqs.masks[s]),
                bboxes=[
                    None if rle is None else rle_box(rle)
                    for rle in seqs.masks[s]
                ])
            for s, (label, score) in enumerate(zip(seqs.labels, seqs.scores))
        ]

    def category(self, label: int) -> str:
        """The class name of a 0-based label."""
        label = int(label)
        if 0 <= label < len(self.classes):
            return self.classes[label]
        return f'class {label}'

    def to_records(self, video_id: int = 1) -> List[dict]:
        """Official YouTube-VIS result records, one per sequence (its best
        category)."""
        return self.instance_sequences.to_records(video_id)

    def to_json(self, video_id: int = 1) -> str:
        """:meth:`to_records` as a json string (a results.json file)."""
        return json.dumps(self.to_records(video_id))

    def frame_instances(self, t: int) -> InstanceData:
        """The sequences present at frame ``t``, for drawing
        (:meth:`InstanceSequences.frame_instances`)."""
        return self.instance_sequences.frame_instances(t)
