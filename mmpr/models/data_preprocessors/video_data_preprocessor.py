"""A video data preprocessor that leaves whole videos uint8 at test time.

mmdet's ``TrackDataPreprocessor`` turns a test video into one normalised
float tensor on the model's device, about 2.9 MB per 640x360 frame (52 GB
for a 10-minute video) before any frame is processed. Propose-Reduce reads
its frames one at a time (:class:`MemoryKPropagator`), so at test time the
frames stay as they come, uint8 on the CPU (or read on demand), and each
frame is normalised, padded and moved to the device when the model reads it
(:class:`NormalisedFrames`): the model gets normalised float frames only.

Shape shorthand: T frames, N frames of a chunk, (h, w) the frame size,
(H, W) the padded size.
"""
import math
from typing import Sequence, Tuple, Union

import torch.nn.functional as F
from mmdet.models.data_preprocessors import TrackDataPreprocessor
from torch import Tensor

from mmpr.registry import MODELS
from mmpr.utils import timed_stage


class NormalisedFrames(Sequence[Tensor]):
    """The T frames of a test video, each normalised, padded and moved to
    the model's device when it is read
    (:meth:`VideoDataPreprocessor.preprocess_frames`).

    Args:
        frames (Tensor | Sequence[Tensor]): (T, C, h, w) uint8 frames, or T
            (C, h, w) uint8 frames read on demand.
        preprocessor (VideoDataPreprocessor): What normalises them.
    """

    def __init__(self, frames: Union[Tensor, Sequence[Tensor]],
                 preprocessor: 'VideoDataPreprocessor') -> None:
        self.frames = frames
        self.preprocessor = preprocessor

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, t: int) -> Tensor:
        """(C, H, W) float frame ``t`` on the model's device."""
        frame = self.frames[t]
        with timed_stage('preprocessing', self.preprocessor.device):
            return self.preprocessor.preprocess_frames(frame[None])[0]


@MODELS.register_module()
class VideoDataPreprocessor(TrackDataPreprocessor):
    """``TrackDataPreprocessor`` that streams test videos.

    Training (``training=True``): as ``TrackDataPreprocessor``, the frame
    pairs (N, 2, C, H, W) normalised and padded. Test: every video stays as
    the pipeline (or a frame reader) gives it, (T, C, h, w) uint8 on the CPU
    or any sequence of T (C, h, w) uint8 frames, wrapped in
    :class:`NormalisedFrames` (each frame normalised when the model reads
    it), and the frames' ``batch_input_shape`` and ``pad_shape`` are set
    (the frame size padded to ``pad_size_divisor``; each video is its own
    batch).

    Args:
        As ``TrackDataPreprocessor`` (``mean``, ``std``, ``bgr_to_rgb``,
        ``pad_size_divisor``, ``pad_value``, ``pad_mask``, ...).
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        """Training: ``TrackDataPreprocessor``; test: the videos as they
        are, and the frames' padded size in their samples.

        Returns:
            dict: ``inputs``: training, an (N, T, C, H, W) float tensor;
            test, a list of the N videos' :class:`NormalisedFrames`.
            ``data_samples``: the samples, on the model's device.
        """
        if training:
            return super().forward(data, training)
        videos = list(data['inputs'])
        data_samples = self.cast_data(data['data_samples'])
        for frames, video_sample in zip(videos, data_samples):
            pad_shape = self.padded_size(frames[0].shape[-2:])
            for sample in video_sample:
                sample.set_metainfo(
                    dict(batch_input_shape=pad_shape, pad_shape=pad_shape))
        return dict(
            inputs=[NormalisedFrames(frames, self) for frames in videos],
            data_samples=data_samples)

    def padded_size(self, size: Sequence[int]) -> Tuple[int, int]:
        """(H, W): the frame size (h, w) rounded up to
        ``pad_size_divisor``."""
        divisor = self.pad_size_divisor
        return tuple(math.ceil(x / divisor) * divisor for x in size)

    def preprocess_frames(self, frames: Tensor) -> Tensor:
        """What ``TrackDataPreprocessor`` does to a video, on a few frames.

        Args:
            frames (Tensor): (N, C, h, w) uint8 frames of one video, on any
                device.

        Returns:
            Tensor: (N, C, H, W) float frames on the model's device, channels
            converted, normalised and padded with ``pad_value``, equal to
            the same frames of ``TrackDataPreprocessor``'s whole-video
            tensor.
        """
        frames = frames.to(self.device, non_blocking=self._non_blocking)
        if self._channel_conversion and frames.size(1) == 3:
            frames = frames[:, [2, 1, 0]]
        frames = frames.float()
        if self._enable_normalize:
            frames = (frames - self.mean) / self.std
        height, width = self.padded_size(frames.shape[-2:])
        frames = F.pad(
            frames, (0, width - frames.size(-1), 0, height - frames.size(-2)),
            value=self.pad_value)
        return frames.contiguous()
