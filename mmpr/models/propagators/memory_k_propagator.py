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
memory). Masks are kept as RLE on the CPU. The frames are read one at a
time (normalised as they are read: :class:`NormalisedFrames`), and each
memory is a :class:`MemoryBank` allocated once for the entries the schedule
gives it (``max_memory`` bounds them: the long-video setting). (The
authors' cost model, the whole video's features cached and each key frame
propagated on its own, is
``tools/analysis_tools/straightforward_propagator.py``, for benchmarks.)

Shape shorthand: T frames, O instances of one key frame, S sequences,
(H, W) the padded input size, (h, w) the unpadded resized frame size,
(h', w') the memory grid, M memory entries, C classes.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmdet.structures import DetDataSample
from mmengine.utils import ProgressBar
from torch import Tensor

from mmpr.models.detectors.frame_features import FrameFeatures
from mmpr.models.heads.seq_prop_head import QueryFeatures
from mmpr.models.reducers import uncovered_masks
from mmpr.registry import MODELS
from mmpr.structures import InstanceSequences, encode_masks, rle_boxes
from mmpr.utils import check_arg, count_work, timed_stage
from .memory_bank import MemoryBank
from .propose_model import ProposeModel
from .sequence_proposals import SequenceProposals

# the normalised, padded float frames of a video: (T, C, H, W), or T
# (C, H, W) read on demand (NormalisedFrames)
Frames = Union[Tensor, Sequence[Tensor]]


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


@dataclass
class _Stream:
    """The propagation from one key frame in one direction."""
    key_frame: int
    sequences: List[int]  # the O sequences it extends
    memory: MemoryBank  # O instances, M entries


@MODELS.register_module()
class MemoryKPropagator:
    """Memory K-propagation: sequence proposals from K key frames (Alg. 1).

    The schedule of Alg. 1 and the memories; the work is the model's, done
    through the :class:`ProposeModel` door only (``extract_frame_feats``,
    ``detect_key_frame``, ``classify_boxes``, ``encode_memory``,
    ``encode_query``, ``segment``).

    Extension points, for a propagator with another schedule or cost model
    (e.g. the benchmarks' ``StraightforwardPropagator``): :meth:`run_passes`
    (the schedule), built from the steps :meth:`detect`,
    :meth:`start_stream`, :meth:`propagate` and :meth:`memory_size`, and
    :meth:`query_features` (the query work of a frame).

    Args:
        num_key_frames (int): K (paper: 6 for YouTube-VIS, 4 for DAVIS-UVOS).
            0 uses every frame. Defaults to 6.
        key_frame_mode (str): ``'paper'`` (Eq. 1) or ``'uniform'`` (the
            authors' code: evenly spaced, first and last included).
        mem_step (int): A propagated frame joins the memory every
            ``mem_step`` frames from the key frame (paper: 5; the authors'
            YouTube-VIS setting: 1). Defaults to 5.
        mem_num (int, optional): Instead of ``mem_step``, about this many
            memory entries per video: ``mem_step = max(T // mem_num, 1)``
            (the authors' DAVIS-UVOS setting: 10). Defaults to None.
        max_memory (int, optional): Most memory entries; beyond it the
            oldest entry after the key frame's is dropped. Set it for long
            videos: unbounded, every memory gains an entry every
            ``mem_step`` frames, and its size and the time and memory of
            reading it grow with the video (R50 at 640x360: 1.2 MB per
            instance and entry, and a read's affinity matrix of 3.5 MB per
            entry). Defaults to None (unbounded, as the paper).
        mask_thr (float): Threshold of the propagated probabilities: a
            pixel is foreground above it. Defaults to 0.5.
        mask_thr_inclusive (bool): Foreground at the threshold too
            (``>= mask_thr``, the authors' code): where soft aggregation
            splits a saturated pixel between two instances, both get exactly
            0.5 and keep it. Defaults to False (``> mask_thr``).
        chunk_size (int): Most instances decoded at once (bounds the decoder's
            activations). Defaults to 8.
        read_budget_mb (int): Bound of one memory read's affinity matrix;
            instances are read in chunks that fit. Defaults to 256.
        early_reduction (float, optional): At a key frame, a detection whose
            mask IoU with a sequence already propagated into the frame is at
            least this starts no sequence (that sequence covers it, and the
            sequence NMS would keep one of the two): fewer propagations for
            the same result. Defaults to None (off, as the paper).
        padded_masks (bool): Keep the masks at the padded input size (the
            authors' code): a mask in the padding only is present, the
            classification box is clamped to the padded frame, and the
            sequence IoU of the reduction counts the padding; the model
            crops them to the image for its output. Defaults to False (masks
            cropped to the image first).
        resegment_key_frames (bool): Keep (and classify) on a key frame the
            prop head's segmentation of the frame from its own memory, with
            the soft aggregation of its instances, instead of the detector's
            masks (the authors' code); the memory still holds the detector's
            masks. Defaults to False.
        progress (bool): Show a progress bar over the frames of each pass.
            Defaults to False.
    """

    def __init__(self,
                 num_key_frames: int = 6,
                 key_frame_mode: str = 'paper',
                 mem_step: int = 5,
                 mem_num: Optional[int] = None,
                 max_memory: Optional[int] = None,
                 mask_thr: float = 0.5,
                 mask_thr_inclusive: bool = False,
                 chunk_size: int = 8,
                 read_budget_mb: int = 256,
                 early_reduction: Optional[float] = None,
                 padded_masks: bool = False,
                 resegment_key_frames: bool = False,
                 progress: bool = False) -> None:
        owner = 'MemoryKPropagator'
        for name, value, kind, low, high, optional in (
            ('num_key_frames', num_key_frames, int, 0, None, False),
            ('mem_step', mem_step, int, 1, None, False),
            ('mem_num', mem_num, int, 1, None, True),
            ('max_memory', max_memory, int, 1, None, True),
            ('mask_thr', mask_thr, float, 0, 1, False),
            ('mask_thr_inclusive', mask_thr_inclusive, bool, None, None,
             False),
            ('chunk_size', chunk_size, int, 1, None, False),
            ('read_budget_mb', read_budget_mb, int, 1, None, False),
            ('early_reduction', early_reduction, float, 0, 1, True),
            ('padded_masks', padded_masks, bool, None, None, False),
            ('resegment_key_frames', resegment_key_frames, bool, None, None,
             False),
            ('progress', progress, bool, None, None, False),
        ):
            check_arg(owner, name, value, kind, low, high, optional)
        select_key_frames(1, num_key_frames, key_frame_mode)  # check mode
        self.num_key_frames = num_key_frames
        self.key_frame_mode = key_frame_mode
        self.mem_step = mem_step
        self.mem_num = mem_num
        self.max_memory = max_memory
        self.mask_thr = mask_thr
        self.mask_thr_inclusive = mask_thr_inclusive
        self.chunk_size = chunk_size
        self.read_budget = read_budget_mb * 2**20
        self.early_reduction = early_reduction
        self.padded_masks = padded_masks
        self.resegment_key_frames = resegment_key_frames
        self.progress = progress

    def binarize(self, probs: Tensor) -> Tensor:
        """(N, H, W) bool masks of (N, H, W) foreground probabilities."""
        if self.mask_thr_inclusive:
            return probs >= self.mask_thr
        return probs > self.mask_thr

    def video_mem_step(self, num_frames: int) -> int:
        """The memory step of a video of ``num_frames`` frames."""
        if self.mem_num:
            return max(num_frames // self.mem_num, 1)
        return self.mem_step

    @torch.no_grad()
    def propose(self, model: ProposeModel, frames: Frames,
                frame_samples: List[DetDataSample]) -> InstanceSequences:
        """Propose instance sequences for a whole video.

        One forward pass over the frames (detection on the key frames,
        propagation forward from each), then one backward pass (propagation
        backward from each key frame): no feature of the whole video is
        kept, every frame's backbone runs once per pass.

        Args:
            model (ProposeModel): The model whose steps are run (a
                :class:`SeqMaskRCNN`).
            frames (Tensor | Sequence[Tensor]): (T, C, H, W) normalised,
                padded float frames, or T (C, H, W) frames read on demand
                (:class:`NormalisedFrames`).
            frame_samples (list[DetDataSample]): Per frame metainfo
                (``img_shape``, ``batch_input_shape``, ...).

        Returns:
            InstanceSequences: All K x O proposals of the video, masks at
            the unpadded resized frame size (h, w), or at the padded input
            size (H, W) with ``padded_masks``.
        """
        key_frames = select_key_frames(
            len(frames), self.num_key_frames, self.key_frame_mode)
        size = (
            frame_samples[0].batch_input_shape
            if self.padded_masks else frame_samples[0].img_shape)
        proposals = SequenceProposals(len(frames), tuple(size[:2]))
        self.run_passes(model, frames, frame_samples, key_frames, proposals)
        return proposals.result(model.num_classes)

    def run_passes(self, model: ProposeModel, frames: Frames,
                   frame_samples: List[DetDataSample], key_frames: List[int],
                   proposals: SequenceProposals) -> None:
        """The forward pass, then the backward pass, into ``proposals``."""
        num_frames = len(frames)
        detections: Dict[int, Tensor] = {}  # key frame -> (O, H, W) bool
        # forward pass: detection on key frames, then propagation forward
        streams: List[_Stream] = []
        bar = ProgressBar(num_frames) if self.progress else None
        for t in range(key_frames[0], num_frames):
            if bar:
                bar.update()
            feats = model.extract_frame_feats(frames[t][None])
            covered = self.propagate(
                model, streams, t, feats, proposals, direction=1)
            if t not in key_frames:
                continue
            detected = self.detect(model, t, feats, frame_samples[t],
                                   proposals, covered)
            if detected is None:
                continue
            detections[t] = detected
            if t < num_frames - 1:
                streams.append(
                    self.start_stream(model, t, proposals.sequences_of(t),
                                      feats, detected,
                                      self.memory_size(t, num_frames, 1)))
        # backward pass: propagation from every key frame back to frame 0
        streams = []
        last = max((t for t in detections if t > 0), default=0)
        bar = ProgressBar(last) if self.progress and last else None
        for t in range(last, -1, -1):
            if not streams and t not in detections:
                continue
            if bar and t < last:
                bar.update()
            feats = model.extract_frame_feats(frames[t][None])
            self.propagate(model, streams, t, feats, proposals, direction=-1)
            if t in detections and t > 0:
                streams.append(
                    self.start_stream(model, t, proposals.sequences_of(t),
                                      feats, detections[t],
                                      self.memory_size(t, num_frames, -1)))

    def detect(self,
               model: ProposeModel,
               t: int,
               feats,
               sample: DetDataSample,
               proposals: SequenceProposals,
               covered: Optional[Tensor] = None) -> Optional[Tensor]:
        """Detect on key frame ``t`` and start its sequences there.

        Args:
            covered (Tensor, optional): (N, H, W) bool masks of the
                sequences propagated into frame ``t``; with
                ``early_reduction`` the detections they cover start none.

        Returns:
            Tensor | None: (O, H, W) bool masks, None if nothing is detected.
        """
        masks = model.detect_key_frame(feats, sample).masks
        if (self.early_reduction is not None and covered is not None
                and len(masks)):
            masks = masks[uncovered_masks(masks, covered,
                                          self.early_reduction)]
        if not len(masks):
            return None
        sequences = proposals.add(t, len(masks))
        kept = masks
        if self.resegment_key_frames:
            stream = self.start_stream(model, t, sequences, feats, masks, 1)
            count_work('decodes', len(masks))
            with timed_stage('propagation', masks.device):
                probs = model.segment(
                    [(stream.memory.keys, stream.memory.values)],
                    self.query_features(model, feats, len(masks)),
                    chunk_size=self.chunk_size,
                    read_budget=self.read_budget)[0]
                kept = self.binarize(probs)
        self._record(model, proposals, t, sequences, kept, feats)
        return masks

    def _record(self, model: ProposeModel, proposals: SequenceProposals,
                t: int, sequences: List[int], frame_masks: Tensor,
                feats) -> None:
        """Keep the (N, H, W) masks of ``sequences`` at frame ``t`` as RLE
        (None where empty) and add their class probabilities."""
        height, width = proposals.mask_size
        with timed_stage('encoding'):
            rles = encode_masks(
                frame_masks[:, :height, :width], none_if_empty=True)
        present = [i for i, rle in enumerate(rles) if rle is not None]
        for index in present:
            proposals.masks[sequences[index]][t] = rles[index]
        if not present:
            return
        with timed_stage('boxes'):  # from the RLEs: no pass over the masks
            boxes = torch.from_numpy(rle_boxes([rles[i] for i in present]))
        proposals.add_scores([sequences[i] for i in present],
                             model.classify_boxes(feats, boxes,
                                                  (height, width)))

    def memory_size(self, key_frame: int, num_frames: int,
                    direction: int) -> int:
        """Entries of the memory of a stream from ``key_frame`` in a pass
        (1: forward, -1: backward): its own, then one every ``mem_step``
        frames before the pass's last frame (whose entry nothing would
        read); at most ``max_memory``."""
        span = num_frames - 2 - key_frame if direction > 0 else key_frame - 1
        size = 1 + max(span, 0) // self.video_mem_step(num_frames)
        return min(size, self.max_memory or size)

    def start_stream(self, model: ProposeModel, t: int, sequences: List[int],
                     feats: FrameFeatures, masks: Tensor,
                     memory_size: int) -> _Stream:
        """A stream whose memory holds the key frame's (O, H, W) masks,
        with room for ``memory_size`` entries."""
        with timed_stage('memory', masks.device):
            keys, values = model.encode_memory(feats, masks)
            memory = MemoryBank(keys, values, memory_size, self.max_memory)
        return _Stream(t, sequences, memory)

    def query_features(self, model: ProposeModel, feats: FrameFeatures,
                       num_instances: int) -> QueryFeatures:
        """The query work of one frame for the ``num_instances`` instances
        that propagate into it: done once and shared (one row). An extension
        point: a propagator with another cost model overrides it (e.g. the
        benchmarks' ``StraightforwardPropagator``, once per instance)."""
        return model.encode_query(feats)

    @staticmethod
    def _memorise(model: ProposeModel, streams: List[_Stream], t: int,
                  direction: int, feats: FrameFeatures,
                  per_stream: List[Tensor], mem_step: int) -> None:
        """Add frame ``t`` to the memory of the streams whose turn it is
        (every ``mem_step`` frames from the key frame), from its features
        and each stream's (O, H, W) probabilities."""
        for stream, probs in zip(streams, per_stream):
            if (t - stream.key_frame) * direction % mem_step == 0:
                stream.memory.append(*model.encode_memory(feats, probs))

    def propagate(self, model: ProposeModel, streams: List[_Stream], t: int,
                  feats, proposals: SequenceProposals,
                  direction: int) -> Optional[Tensor]:
        """Propagate every stream into frame ``t`` and update memories.

        All streams share the query encoding of frame ``t``; their instances
        are decoded in one batch and classified in one RoI pass.

        Returns:
            Tensor | None: The (N, H, W) bool masks of the N instances of
            the streams at frame ``t``; None without streams.
        """
        if not streams:
            return None
        device = feats.device
        num_instances = sum(len(stream.sequences) for stream in streams)
        count_work('decodes', num_instances)
        with timed_stage('propagation', device):
            per_stream = model.segment(
                [(stream.memory.keys, stream.memory.values)
                 for stream in streams],
                self.query_features(model, feats, num_instances),
                chunk_size=self.chunk_size,
                read_budget=self.read_budget)
            masks = torch.cat([self.binarize(probs) for probs in per_stream])
        # a frame joins the memory every mem_step frames, unless it is the
        # last of the pass
        with timed_stage('memory', device):
            if 0 <= t + direction < proposals.num_frames:
                self._memorise(model, streams, t, direction, feats, per_stream,
                               self.video_mem_step(proposals.num_frames))
            # the probabilities are freed with the model's work (a CPU takes
            # milliseconds to free them)
            del per_stream
        self._record(model, proposals, t,
                     [s for stream in streams for s in stream.sequences],
                     masks, feats)
        return masks
