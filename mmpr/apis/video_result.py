"""The instance sequences of one video, as the inference API returns them.

Shape shorthand: T frames, S sequences, (H, W) the original frame size.
"""
import json
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmdet.structures import TrackDataSample
from mmengine.structures import InstanceData
from pycocotools import mask as mask_utils


@dataclass
class InstanceSequence:
    """One instance through a video.

    Attributes:
        id (int): Sequence id, the same on every frame (it picks the drawing
            colour).
        label (int): 0-based class index.
        category (str): Class name.
        score (float): Sequence score (paper Eq. 2): the class probability
            of ``label`` averaged over the frames where it is present.
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

    def to_record(self, video_id: int) -> dict:
        """The official YouTube-VIS result record (1-based category id)."""
        return dict(
            video_id=video_id,
            score=self.score,
            category_id=self.label + 1,
            segmentations=list(self.masks))


@dataclass
class VideoResult:
    """The instance sequences of one video, highest score first.

    Attributes:
        sequences (list[InstanceSequence]): The S sequences.
        num_frames (int): T.
        classes (tuple[str]): Class names, indexed by ``label``.
        data_samples (list[TrackDataSample]): The model's raw output (one
            sample of T frames); empty when built from records.
    """
    sequences: List[InstanceSequence]
    num_frames: int
    classes: Tuple[str, ...]
    data_samples: List[TrackDataSample] = field(
        default_factory=list, repr=False)

    @classmethod
    def from_track_sample(cls,
                          sample: TrackDataSample,
                          classes: Sequence[str],
                          score_thr: float = 0.0) -> 'VideoResult':
        """Group the per-frame ``pred_track_instances`` by sequence.

        Args:
            sample (TrackDataSample): :meth:`SeqMaskRCNN.predict`'s output
                for one video (RLE ``masks`` at the original size).
            classes (Sequence[str]): Class names.
            score_thr (float): Sequences scoring below are dropped.
        """
        num_frames = len(sample)
        sequences = {}
        for t in range(num_frames):
            pred = sample[t].pred_track_instances
            for i, seq_id in enumerate(pred.instances_id.tolist()):
                if not mask_utils.area(pred.masks[i]):
                    continue  # emptied by the resize to the frame size
                if seq_id not in sequences:
                    label = int(pred.labels[i])
                    sequences[seq_id] = InstanceSequence(
                        id=seq_id,
                        label=label,
                        category=_class_name(classes, label),
                        score=float(pred.scores[i]),
                        masks=[None] * num_frames,
                        bboxes=[None] * num_frames)
                sequences[seq_id].masks[t] = _str_counts(pred.masks[i])
                sequences[seq_id].bboxes[t] = pred.bboxes[i].tolist()
        kept = [s for s in sequences.values() if s.score >= score_thr]
        kept.sort(key=lambda s: -s.score)
        return cls(kept, num_frames, tuple(classes), [sample])

    @classmethod
    def from_records(cls, records: Sequence[dict], num_frames: int,
                     classes: Sequence[str]) -> 'VideoResult':
        """Sequences of official YouTube-VIS result records of one video.

        Each record becomes a sequence whose id is its index in
        ``records``.

        Raises:
            ValueError: A record does not have ``num_frames`` masks.
        """
        sequences = []
        for index, record in enumerate(records):
            segmentations = record['segmentations']
            if len(segmentations) != num_frames:
                raise ValueError(
                    f'record {index} of video {record["video_id"]} has '
                    f'{len(segmentations)} segmentations but the video has '
                    f'{num_frames} frames; are the results for this '
                    'annotation file?')
            masks = [_compressed(rle) for rle in segmentations]
            masks = [
                rle if rle is not None and mask_utils.area(rle) else None
                for rle in masks
            ]
            label = int(record['category_id']) - 1
            sequences.append(
                InstanceSequence(
                    id=index,
                    label=label,
                    category=_class_name(classes, label),
                    score=float(record['score']),
                    masks=masks,
                    bboxes=[
                        None if rle is None else _xyxy(rle) for rle in masks
                    ]))
        sequences.sort(key=lambda s: -s.score)
        return cls(sequences, num_frames, tuple(classes))

    def to_records(self, video_id: int = 1) -> List[dict]:
        """Official YouTube-VIS result records, one per sequence."""
        return [sequence.to_record(video_id) for sequence in self.sequences]

    def to_json(self, video_id: int = 1) -> str:
        """:meth:`to_records` as a json string (a results.json file)."""
        return json.dumps(self.to_records(video_id))

    def frame_instances(self, t: int) -> InstanceData:
        """The N sequences present at frame ``t``, for drawing.

        Returns:
            InstanceData: ``instances_id`` (N, ), ``labels`` (N, ),
            ``scores`` (N, ), ``bboxes`` (N, 4) and ``masks`` (N RLE dicts).
        """
        present = [s for s in self.sequences if s.masks[t] is not None]
        return InstanceData(
            instances_id=torch.tensor([s.id for s in present],
                                      dtype=torch.long),
            labels=torch.tensor([s.label for s in present], dtype=torch.long),
            scores=torch.tensor([s.score for s in present],
                                dtype=torch.float32),
            bboxes=torch.tensor([s.bboxes[t] for s in present],
                                dtype=torch.float32).reshape(-1, 4),
            masks=[s.masks[t] for s in present])


def _class_name(classes: Sequence[str], label: int) -> str:
    return classes[label] if 0 <= label < len(classes) else f'class {label}'


def _str_counts(rle: dict) -> dict:
    """A compressed RLE with ``counts`` as str (json-serialisable)."""
    counts = rle['counts']
    return dict(
        size=list(rle['size']),
        counts=counts.decode() if isinstance(counts, bytes) else counts)


def _compressed(rle: Optional[dict]) -> Optional[dict]:
    """A record's RLE (compressed or uncompressed) as compressed RLE."""
    if rle is None:
        return None
    if isinstance(rle['counts'], list):
        rle = mask_utils.frPyObjects(rle, *rle['size'])
    return _str_counts(rle)


def _xyxy(rle: dict) -> List[float]:
    """Tight (x1, y1, x2, y2) box of a non-empty RLE mask."""
    x, y, w, h = np.asarray(mask_utils.toBbox(rle), dtype=float).tolist()
    return [x, y, x + w, y + h]
