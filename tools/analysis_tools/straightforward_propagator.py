"""Memory K-propagation with the cost model of the authors' code.

For benchmarks only (``benchmark_speed.py --straightforward``,
``benchmark_memory.py``): the outputs equal :class:`MemoryKPropagator`'s
(checked by ``tests/test_tools/test_straightforward_propagator.py``), the
cost is the authors': every frame's backbone and FPN features are computed
once and cached for the whole video, then each key frame is detected and
propagated on its own, forward to the end and backward to the start, both
from its first memory entry, and the query encoding and the decoder's C2/C3
skip encodings of a frame are recomputed for every key frame and instance
that reach it; only the O instances of one key frame are decoded and
classified together.
"""
import copy
from dataclasses import replace
from typing import List

from mmdet.structures import DetDataSample
from mmengine.utils import ProgressBar

from mmpr.models.detectors import FrameFeatures
from mmpr.models.heads import QueryFeatures
from mmpr.models.propagators import MemoryKPropagator, ProposeModel
from mmpr.models.propagators.memory_k_propagator import Frames
from mmpr.registry import MODELS


@MODELS.register_module(force=True)  # the benchmarks may load it twice
class StraightforwardPropagator(MemoryKPropagator):
    """:class:`MemoryKPropagator` run as the authors' code runs it."""

    def run_passes(self, model, frames: Frames,
                   frame_samples: List[DetDataSample], key_frames: List[int],
                   proposals) -> None:
        """Cache every frame's features, then each key frame on its own."""
        num_frames = len(frames)
        feats = [
            model.extract_frame_feats(frames[t][None])
            for t in range(num_frames)
        ]
        bar = ProgressBar(len(key_frames)) if self.progress else None
        for k in key_frames:
            if bar:
                bar.update()
            detected = self.detect(model, k, feats[k], frame_samples[k],
                                   proposals)
            if detected is None:
                continue
            start = self.start_stream(model, k, proposals.sequences_of(k),
                                      feats[k], detected,
                                      self.memory_size(k, num_frames, 1))
            for direction, span in ((1, range(k + 1, num_frames)),
                                    (-1, range(k - 1, -1, -1))):
                # a copy: memorising writes into the copy's memory only
                streams = [replace(start, memory=copy.deepcopy(start.memory))]
                for t in span:
                    self.propagate(model, streams, t, feats[t], proposals,
                                   direction)

    def query_features(self, model: ProposeModel, feats: FrameFeatures,
                       num_instances: int) -> QueryFeatures:
        """The query frame encoded once per instance (the authors' cost)."""
        return model.encode_query(
            FrameFeatures(*(tuple(
                x.expand(num_instances, -1, -1, -1) for x in part)
                            for part in feats)))
