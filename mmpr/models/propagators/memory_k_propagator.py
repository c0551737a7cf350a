"""Sequence proposal generation by memory K-propagation (paper Sec. 3.1).

Alg. 1: K key frames (Eq. 1) are segmented by Mask R-CNN; each key frame's
masks are propagated forward to the end and backward to the start of the
video with a growing memory; every mask of every sequence is classified by
the bbox head on the mask's box (Eq. 2 then averages over frames).

Cost: the video is processed in two passes, one forward and one backward, so
that no feature of the whole video is ever cached (memory stays flat in the
video length): every frame's backbone and FPN run once per pass, the query
encoding and the decoder's skip features once per frame and pass, shared by
all key frames and instances, and the decoding of all instances of all key
frames propagating into a frame runs as one batch (in chunks that bound the
memory). Masks are kept as RLE on the CPU. ``straightforward=True`` follows
the authors' code instead (same outputs, for speed comparisons): the whole
video's features are cached, and each key frame is propagated on its own, so
the query work of a frame is repeated for every key frame and instance.

Shape shorthand: T frames, O instances of one key frame, S sequences,
(H, W) the padded input size, (h, w) the unpadded resized frame size,
(h', w') the memory grid, M memory entries, C classes.
"""
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import bbox2roi
from mmdet.structures.mask import mask2bbox
from mmengine.utils import ProgressBar
from pycocotools import mask as mask_utils
from torch import Tensor

from mmpr.models.heads.seq_prop_head import QueryFeatures, soft_aggregate
from mmpr.registry import MODELS


def select_key_frames(num_frames: int,
                      num_key_frames: int,
                      mode: str = 'paper') -> List[int]:
    """Key frame indices, ascending and unique.

    Args:
        num_frames (int): T.
        num_key_frames (int): K; 0 or more than T selects every frame.
        mode (str): ``'paper'``: Eq. 1, ``g(k) = max(floor(T / K), 1) * k``
            (frames past the end are dropped); ``'uniform'``: the authors'
            code, K frames evenly spaced including the first and the last.
    """
    if mode not in ('paper', 'uniform'):
        raise ValueError("key frame mode must be 'paper' or 'uniform', got "
                         f'{mode!r}')
    if num_frames < 1:
        raise ValueError(f'a video needs at least one frame, got {num_frames}')
    if num_key_frames <= 0 or num_key_frames >= num_frames:
        return list(range(num_frames))
    if mode == 'paper':
        step = max(num_frames // num_key_frames, 1)
        return [step * k for k in range(num_key_frames)]
    if num_key_frames == 1:
        return [0]
    step = (num_frames - 1) / (num_key_frames - 1)
    return sorted({int(step * k) for k in range(num_key_frames)})


def encode_rle(masks: Tensor) -> List[dict]:
    """(N, h, w) bool masks -> N pycocotools RLE dicts."""
    array = np.asfortranarray(masks.permute(1, 2,
                                            0).cpu().numpy()).astype(np.uint8)
    return mask_utils.encode(array)


@dataclass
class SequenceProposals:
    """The sequence proposals S of one video.

    Attributes:
        masks (list[list[dict | None]]): ``masks[s][t]``, RLE at the
            unpadded resized frame size (h, w), None where absent.
        class_scores (np.ndarray): (S, C) mean over the frames where the
            sequence is present of the bbox head's class probabilities
            (Eq. 2 before the max); zeros for a sequence never present.
        key_frames (list[int]): Key frame of each sequence.
    """
    masks: List[List[Optional[dict]]]
    class_scores: np.ndarray
    key_frames: List[int]


@dataclass
class _Builder:
    """The sequence proposals of one video while they are being built.

    Attributes:
        num_frames (int): T.
        img_shape (tuple[int, int]): (h, w), where masks are cropped.
        masks (list[list[dict | None]]): ``masks[s][t]`` RLE.
        key_frames (list[int]): Key frame of each sequence.
        score_sums (list[Tensor]): (C + 1, ) sum of class probabilities of
            each sequence over the frames where it is present.
        counts (list[int]): Number of those frames.
    """
    num_frames: int
    img_shape: Tuple[int, int]
    masks: List[List[Optional[dict]]] = field(default_factory=list)
    key_frames: List[int] = field(default_factory=list)
    score_sums: List[Tensor] = field(default_factory=list)
    counts: List[int] = field(default_factory=list)

    def add(self, key_frame: int, num: int, num_classes: int,
            device: torch.device) -> List[int]:
        """Start ``num`` sequences at ``key_frame``; returns their indices."""
        sequences = list(range(len(self.masks), len(self.masks) + num))
        self.masks.extend([None] * self.num_frames for _ in sequences)
        self.key_frames.extend([key_frame] * num)
        self.score_sums.extend(
            torch.zeros(num_classes + 1, device=device) for _ in sequences)
        self.counts.extend([0] * num)
        return sequences

    def sequences_of(self, key_frame: int) -> List[int]:
        """The sequences started at ``key_frame``."""
        return [s for s, k in enumerate(self.key_frames) if k == key_frame]

    def result(self, num_classes: int) -> SequenceProposals:
        """The proposals, with class probabilities averaged over frames."""
        class_scores = np.zeros((len(self.masks), num_classes), np.float32)
        for s, (total, count) in enumerate(zip(self.score_sums, self.counts)):
            if count:
                class_scores[s] = (total[:num_classes] / count).cpu().numpy()
        return SequenceProposals(self.masks, class_scores, self.key_frames)


@dataclass
class _Stream:
    """The propagation from one key frame in one direction."""
    key_frame: int
    sequences: List[int]  # the O sequences it extends
    memory_keys: Tensor  # (O, Ck, M, h', w')
    memory_values: Tensor  # (O, Cv, M, h', w')


class StageTimer:
    """Wall time per named stage, synchronised on CUDA devices."""

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, stage: str, device: torch.device) -> Iterator[None]:
        if device.type == 'cuda':
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        yield
        if device.type == 'cuda':
            torch.cuda.synchronize(device)
        self.seconds[stage] += time.perf_counter() - start


@MODELS.register_module()
class MemoryKPropagator:
    """Memory K-propagation: sequence proposals from K key frames (Alg. 1).

    Args:
        num_key_frames (int): K (paper: 6 for YouTube-VIS, 4 for DAVIS-UVOS).
            0 uses every frame. Defaults to 6.
        key_frame_mode (str): ``'paper'`` (Eq. 1) or ``'uniform'`` (the
            authors' code: evenly spaced, first and last included).
        mem_step (int): A propagated frame joins the memory every
            ``mem_step`` frames from the key frame (paper: 5; the authors'
            YouTube-VIS setting: 1). Defaults to 5.
        max_memory (int, optional): Most memory entries; beyond it the
            oldest entry after the key frame's is dropped. Defaults to None
            (unbounded, as the paper).
        mask_thr (float): Threshold of the propagated probabilities.
            Defaults to 0.5.
        chunk_size (int): Most instances decoded at once (bounds the decoder's
            activations). Defaults to 8.
        read_budget_mb (int): Bound of one memory read's affinity matrix;
            instances are read in chunks that fit. Defaults to 256.
        straightforward (bool): Run with the cost model of the authors' code,
            for comparison: backbone and FPN features of the whole video are
            computed once and cached, then each key frame is detected and
            propagated on its own, forward and backward, and the query
            encoding and the decoder's C2/C3 skip encodings of a frame are
            recomputed for every key frame and instance that reach it; only
            the O instances of one key frame are decoded and classified
            together.
            The outputs equal the default path's. Defaults to False (two
            passes sharing the query work, no feature cache).
        progress (bool): Show a progress bar over the frames of each pass
            (over the key frames when ``straightforward``). Defaults to False.
    """

    def __init__(self,
                 num_key_frames: int = 6,
                 key_frame_mode: str = 'paper',
                 mem_step: int = 5,
                 max_memory: Optional[int] = None,
                 mask_thr: float = 0.5,
                 chunk_size: int = 8,
                 read_budget_mb: int = 256,
                 straightforward: bool = False,
                 progress: bool = False) -> None:
        select_key_frames(1, num_key_frames, key_frame_mode)  # check mode
        if mem_step < 1:
            raise ValueError(f'mem_step must be >= 1, got {mem_step}')
        if max_memory is not None and max_memory < 1:
            raise ValueError(f'max_memory must be >= 1, got {max_memory}')
        self.num_key_frames = num_key_frames
        self.key_frame_mode = key_frame_mode
        self.mem_step = mem_step
        self.max_memory = max_memory
        self.mask_thr = mask_thr
        self.chunk_size = chunk_size
        self.read_budget = read_budget_mb * 2**20
        self.straightforward = straightforward
        self.progress = progress
        self.timer = StageTimer()

    @torch.no_grad()
    def propose(self, model, frames: Tensor,
                frame_samples: List[DetDataSample]) -> SequenceProposals:
        """Propose instance sequences for a whole video.

        Args:
            model (SeqMaskRCNN): The model (backbone, heads).
            frames (Tensor): (T, C, H, W) normalised, padded frames.
            frame_samples (list[DetDataSample]): Per frame metainfo
                (``img_shape``, ``batch_input_shape``, ...).

        Returns:
            SequenceProposals: All K x O proposals of the video.
        """
        self.timer = StageTimer()
        num_frames = frames.size(0)
        key_frames = select_key_frames(num_frames, self.num_key_frames,
                                       self.key_frame_mode)
        builder = _Builder(num_frames, tuple(frame_samples[0].img_shape[:2]))
        if self.straightforward:
            self._propose_per_key_frame(model, frames, frame_samples,
                                        key_frames, builder)
        else:
            self._propose_in_two_passes(model, frames, frame_samples,
                                        key_frames, builder)
        return builder.result(model.roi_head.bbox_head.num_classes)

    def _propose_in_two_passes(self, model, frames: Tensor,
                               frame_samples: List[DetDataSample],
                               key_frames: List[int],
                               builder: _Builder) -> None:
        """The default: one forward and one backward pass over the frames."""
        num_frames = frames.size(0)
        detections: Dict[int, Tensor] = {}  # key frame -> (O, H, W) bool
        # forward pass: detection on key frames, then propagation forward
        streams: List[_Stream] = []
        bar = ProgressBar(num_frames) if self.progress else None
        for t in range(key_frames[0], num_frames):
            if bar:
                bar.update()
            with self.timer('backbone', frames.device):
                feats = model.extract_frame_feats(frames[t:t + 1])
            self._propagate(model, streams, t, feats, builder, direction=1)
            if t not in key_frames:
                continue
            detected = self._detect_key_frame(model, t, feats,
                                              frame_samples[t], builder)
            if detected is None:
                continue
            detections[t] = detected
            if t < num_frames - 1:
                streams.append(
                    self._start_stream(model, t, builder.sequences_of(t),
                                       feats.fpn[0], detected))
        # backward pass: propagation from every key frame back to frame 0
        streams = []
        last = max((t for t in detections if t > 0), default=0)
        bar = ProgressBar(last) if self.progress and last else None
        for t in range(last, -1, -1):
            if not streams and t not in detections:
                continue
            if bar and t < last:
                bar.update()
            with self.timer('backbone', frames.device):
                feats = model.extract_frame_feats(frames[t:t + 1])
            self._propagate(model, streams, t, feats, builder, direction=-1)
            if t in detections and t > 0:
                streams.append(
                    self._start_stream(model, t, builder.sequences_of(t),
                                       feats.fpn[0], detections[t]))

    def _propose_per_key_frame(self, model, frames: Tensor,
                               frame_samples: List[DetDataSample],
                               key_frames: List[int],
                               builder: _Builder) -> None:
        """The authors' cost model (``straightforward``), same outputs.

        Every frame's features are computed once and cached, then each key
        frame is detected and propagated on its own, forward to the end and
        backward to the start, both from its first memory entry:
        ``_propagate`` gets one stream and encodes the query frame again for
        every instance of it.
        """
        num_frames = frames.size(0)
        with self.timer('backbone', frames.device):
            feats = [
                model.extract_frame_feats(frames[t:t + 1])
                for t in range(num_frames)
            ]
        bar = ProgressBar(len(key_frames)) if self.progress else None
        for k in key_frames:
            if bar:
                bar.update()
            detected = self._detect_key_frame(model, k, feats[k],
                                              frame_samples[k], builder)
            if detected is None:
                continue
            start = self._start_stream(model, k, builder.sequences_of(k),
                                       feats[k].fpn[0], detected)
            for direction, span in ((1, range(k + 1, num_frames)),
                                    (-1, range(k - 1, -1, -1))):
                # a copy: memorising rebinds the copy's tensors only
                streams = [replace(start)]
                for t in span:
                    self._propagate(model, streams, t, feats[t], builder,
                                    direction)

    def _detect_key_frame(self, model, t: int, feats, sample: DetDataSample,
                          builder: _Builder) -> Optional[Tensor]:
        """Detect on key frame ``t`` and start its sequences there.

        Returns:
            Tensor | None: (O, H, W) bool masks, None if nothing is detected.
        """
        with self.timer('detection', feats.fpn[0].device):
            detected = self.detect(model, feats.fpn, sample)
        if not len(detected):
            return None
        sequences = builder.add(t, len(detected),
                                model.roi_head.bbox_head.num_classes,
                                detected.device)
        self._record(model, builder, t, sequences, detected, feats.fpn)
        return detected

    def _record(self, model, builder: _Builder, t: int, sequences: List[int],
                frame_masks: Tensor, fpn: Tuple[Tensor]) -> None:
        """Keep the (N, H, W) masks of ``sequences`` at frame ``t`` as RLE and
        add their class probabilities."""
        height, width = builder.img_shape
        cropped = frame_masks[:, :height, :width]
        for s, rle in zip(sequences, encode_rle(cropped)):
            builder.masks[s][t] = rle
        present = cropped.flatten(1).any(dim=1)
        if not present.any():
            return
        with self.timer('classification', cropped.device):
            probs = self.classify(model, fpn, cropped[present])
        for index, prob in zip(torch.nonzero(present)[:, 0].tolist(), probs):
            builder.score_sums[sequences[index]] += prob
            builder.counts[sequences[index]] += 1

    def detect(self, model, fpn: Tuple[Tensor],
               sample: DetDataSample) -> Tensor:
        """Key-frame instance segmentation: (O, H, W) bool masks.

        The top ``test_cfg.rcnn.max_per_img`` (O) detections above
        ``test_cfg.rcnn.score_thr`` of the model, highest score first.
        """
        proposals = model.rpn_head.predict(fpn, [sample], rescale=False)
        result = model.roi_head.predict(
            fpn, proposals, [sample], rescale=False)[0]
        height, width = sample.img_shape[:2]
        pad_h, pad_w = sample.batch_input_shape
        masks = result.masks[result.scores.argsort(descending=True)]
        out = masks.new_zeros((len(masks), pad_h, pad_w))
        out[:, :height, :width] = masks[:, :height, :width]
        return out

    def classify(self, model, fpn: Tuple[Tensor], masks: Tensor) -> Tensor:
        """Class probabilities (N, C + 1) of (N, h, w) non-empty masks.

        The bbox head classifies each mask's box (tight, grown by one pixel,
        as the authors' code); the last column is the background.
        """
        boxes = mask2bbox(masks).float()
        boxes[:, :2] -= 1
        boxes[:, 2:] += 1
        height, width = masks.shape[-2:]
        boxes[:, 0::2] = boxes[:, 0::2].clamp(0, width)
        boxes[:, 1::2] = boxes[:, 1::2].clamp(0, height)
        rois = bbox2roi([boxes])
        cls_score = model.roi_head._bbox_forward(fpn, rois)['cls_score']
        return cls_score.softmax(dim=-1)

    def _start_stream(self, model, t: int, sequences: List[int], p2: Tensor,
                      masks: Tensor) -> _Stream:
        """A stream whose memory holds the key frame's (O, H, W) masks."""
        keys, values = model.prop_head.encode_memory(
            p2.expand(len(masks), -1, -1, -1), masks.float())
        return _Stream(t, sequences, keys[:, :, None], values[:, :, None])

    def _propagate(self, model, streams: List[_Stream], t: int, feats,
                   builder: _Builder, direction: int) -> None:
        """Propagate every stream into frame ``t`` and update memories.

        All streams share the query encoding of frame ``t``; their instances
        are decoded in one batch and classified in one RoI pass.
        """
        if not streams:
            return
        head, p2 = model.prop_head, feats.fpn[0]
        with self.timer('propagation', p2.device):
            if self.straightforward:
                # the authors' cost: the query frame encoded per instance
                num = sum(len(stream.sequences) for stream in streams)
                query = head.encode_query(*(x.expand(num, -1, -1, -1)
                                            for x in (p2, *feats.skips)))
            else:
                query = head.encode_query(p2, *feats.skips)
            probs = self._decode(head, streams, query)
            per_stream = [
                soft_aggregate(p)[1:] for p in probs.split(
                    [len(stream.sequences) for stream in streams])
            ]
            for stream, stream_probs in zip(streams, per_stream):
                if (t - stream.key_frame) * direction % self.mem_step == 0:
                    self._memorize(head, stream, p2, stream_probs)
        self._record(model, builder, t,
                     [s for stream in streams for s in stream.sequences],
                     torch.cat(per_stream) > self.mask_thr, feats.fpn)

    def _decode(self, head, streams: List[_Stream],
                query: QueryFeatures) -> Tensor:
        """(sum O, H, W) foreground probabilities of all streams' instances.

        ``query`` has one row, shared by all instances, or one per instance.
        """

        def rows(start: int, stop: int) -> QueryFeatures:
            if len(query.key) == 1:
                return query
            return QueryFeatures(*(x[start:stop] for x in query))

        readouts, offset = [], 0
        for stream in streams:
            entry_bytes = (
                stream.memory_keys[0, 0].numel() * query.key[0, 0].numel() *
                stream.memory_keys.element_size())
            chunk = max(1, self.read_budget // max(entry_bytes, 1))
            for start in range(0, len(stream.sequences), chunk):
                stop = min(start + chunk, len(stream.sequences))
                readouts.append(
                    head.read_memory(stream.memory_keys[start:stop],
                                     stream.memory_values[start:stop],
                                     rows(offset + start, offset + stop).key))
            offset += len(stream.sequences)
        readouts = torch.cat(readouts)
        return torch.cat([
            head.decode(readouts[start:start + self.chunk_size],
                        rows(start, start + self.chunk_size))
            for start in range(0, len(readouts), self.chunk_size)
        ])

    def _memorize(self, head, stream: _Stream, p2: Tensor,
                  probs: Tensor) -> None:
        """Append frame entries (encoded from soft masks) to a memory."""
        keys, values = head.encode_memory(
            p2.expand(len(probs), -1, -1, -1), probs)
        memory_keys = torch.cat([stream.memory_keys, keys[:, :, None]], 2)
        memory_values = torch.cat([stream.memory_values, values[:, :, None]],
                                  2)
        if self.max_memory is not None and memory_keys.size(
                2) > self.max_memory:
            # keep the key frame's entry, drop the oldest after it
            keep = [0] + list(range(2, memory_keys.size(2)))
            memory_keys, memory_values = memory_keys[:, :, keep], \
                memory_values[:, :, keep]
        stream.memory_keys, stream.memory_values = memory_keys, memory_values

    def timings(self) -> Dict[str, float]:
        """Seconds per stage of the last :meth:`propose` call."""
        return dict(self.timer.seconds)
