"""Build a model from a config and run it on one whole video.

``init_model(config, checkpoint)`` then ``inference_video(model, video)``:
the model predicts all frames of the video (a file, a frame folder or
arrays) in one call (propose -> reduce). Frames are read when the model
reads them, each through the config's test pipeline (frames loaded from
arrays) on its own, so the video is never held whole.
"""
import copy
import os.path as osp
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Sequence, Union

import numpy as np
import torch
import torch.nn as nn
from mmcv.transforms import Compose
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.utils import get_test_pipeline_cfg
from mmengine.config import Config
from mmengine.model.utils import revert_sync_batchnorm
from mmengine.runner import load_state_dict
from torch import Tensor

from mmpr.launch import register_all_modules
from mmpr.registry import DATASETS, MODELS
from mmpr.utils import (check_checkpoint_fits, checkpoint_state_dict,
                        load_checkpoint_file, mixed_precision)
from .video_reader import VideoFrames, VideoInput, open_video
from .video_result import VideoResult

# test-pipeline steps that read files; frames come as arrays instead
_FILE_LOADERS = ('LoadImageFromFile', )
_ANNOTATION_LOADERS = ('LoadAnnotations', 'LoadTrackAnnotations')


def init_model(config: Union[str, Path, Config],
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None) -> nn.Module:
    """Build a model from a config, load its weights, ready to predict.

    The class names (``model.dataset_meta['classes']``) come from the
    checkpoint's meta, else from the config's test dataset. The config is
    kept on ``model.cfg``.

    Args:
        config (str | Path | Config): Config file or object.
        checkpoint (str, optional): Checkpoint file; None keeps the random
            initialisation.
        device (str): Device to put the model on. Defaults to ``'cpu'``.
        cfg_options (dict, optional): Config settings to override, e.g.
            ``{'model.propagator.num_key_frames': 4}``.

    Returns:
        nn.Module: The model, in eval mode.

    Raises:
        CheckpointError: ``checkpoint`` is no checkpoint, or one of another
            model (most weights missing or of another shape).
    """
    if isinstance(config, (str, Path)):
        if not osp.isfile(config):
            raise FileNotFoundError(
                f'config {config} does not exist; pass a file under configs/ '
                '(e.g. configs/toy/...).')
        config = Config.fromfile(config)
    elif isinstance(config, Config):
        config = copy.deepcopy(config)
    else:
        raise TypeError('config must be a file name or a Config, got '
                        f'{type(config).__name__}')
    if cfg_options:
        config.merge_from_dict(cfg_options)
    register_all_modules()

    model = revert_sync_batchnorm(MODELS.build(config.model))
    meta = {}
    if checkpoint is not None:
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'checkpoint {checkpoint} does not exist; pass the .pth '
                'written by tools/train.py, or no checkpoint.')
        loaded = load_checkpoint_file(checkpoint)
        state_dict = checkpoint_state_dict(loaded)
        name = config.filename or 'given as a Config'
        check_checkpoint_fits(model, state_dict, checkpoint, name)
        load_state_dict(model, state_dict)
        meta = loaded.get('meta', {})
    dataset_meta = meta.get('dataset_meta')
    if dataset_meta is not None:
        model.dataset_meta = {k.lower(): v for k, v in dataset_meta.items()}
    else:
        model.dataset_meta = _config_dataset_meta(config)
    model.cfg = config
    model.to(device)
    model.eval()
    return model


def inference_video(model: nn.Module,
                    video: Union[VideoInput, VideoFrames],
                    key_frames: Optional[int] = None,
                    mem_step: Optional[int] = None,
                    score_thr: float = 0.0,
                    amp: bool = False) -> VideoResult:
    """Instance sequences of a whole video.

    Args:
        model (nn.Module): A model from :func:`init_model`.
        video (str | list[np.ndarray] | VideoFrames): A video file (e.g.
            ``.mp4``), a folder of frames (image files in name order), T
            (H, W, 3) BGR uint8 arrays, or :func:`open_video`'s frames.
        key_frames (int, optional): K key frames for this call (0: every
            frame); None keeps ``model.propagator.num_key_frames``.
        mem_step (int, optional): Memory step for this call; None keeps
            ``model.propagator.mem_step``.
        score_thr (float): Sequences scoring below are dropped. Defaults to
            0.0 (keep all).
        amp (bool): Mixed precision (:func:`mmpr.utils.mixed_precision`:
            bf16 on the CPU, fast where the CPU has AVX-512 bf16 or AMX;
            fp16 on CUDA). Defaults to False (fp32).

    Returns:
        VideoResult: The sequences, highest score first, each with per-frame
        RLE masks and boxes at the frames' size.
    """
    frames = PipelineFrames(open_video(video), build_video_pipeline(model.cfg))
    data = dict(inputs=[frames], data_samples=[frames.video_sample()])
    device = next(model.parameters()).device
    with _propagator_settings(model, key_frames, mem_step), \
            mixed_precision(device, enabled=amp), torch.no_grad():
        sample = model.test_step(data)[0]
    return VideoResult.from_sequences(sample.pred_sequences,
                                      model.dataset_meta.get('classes', ()),
                                      score_thr)


class PipelineFrames(Sequence[Tensor]):
    """The frames of a video through a test pipeline, each when it is read.

    Frame ``t`` is read and run through the pipeline on its own when it is
    indexed: (C, h, w) uint8, the frame ``PackTrackInputs`` packs when the
    pipeline runs on the whole video, without the whole video in memory.

    Args:
        frames (Sequence[np.ndarray]): T (H, W, 3) BGR uint8 frames of one
            size (e.g. :class:`VideoFrames`).
        pipeline (Compose): A video test pipeline taking frames from
            ``results['img']`` (:func:`build_video_pipeline`).
    """

    def __init__(self, frames: Sequence[np.ndarray],
                 pipeline: Compose) -> None:
        self.frames = frames
        self.pipeline = pipeline

    def __len__(self) -> int:
        """T, the number of frames."""
        return len(self.frames)

    def __getitem__(self, t: int) -> Tensor:
        """(C, h, w) uint8 frame ``t`` after the pipeline."""
        return self._pack(t)['inputs'][0]

    def video_sample(self) -> TrackDataSample:
        """The video's sample: per frame the metainfo the pipeline gives
        frame 0 (every frame has its size), with the frame's own id."""
        first = self._pack(0)['data_samples'][0].metainfo
        video = TrackDataSample()
        video.video_data_samples = [
            DetDataSample(metainfo=dict(first, img_id=t, frame_id=t))
            for t in range(len(self))
        ]
        return video

    def _pack(self, t: int) -> dict:
        """Frame ``t`` as a one-frame video through the pipeline."""
        num_frames = len(self)
        return self.pipeline(
            dict(
                img=[self.frames[t]],
                img_id=[t],
                frame_id=[t],
                video_id=[0],
                video_length=[num_frames],
                ori_video_length=[num_frames]))


def build_video_pipeline(cfg: Config) -> Compose:
    """The config's test pipeline, taking frames from ``results['img']``.

    ``LoadImageFromFile`` becomes ``LoadImageFromNDArray`` and annotation
    loading is dropped, also inside ``TransformBroadcaster``.
    """
    return Compose([
        step for step in map(_array_step, get_test_pipeline_cfg(cfg))
        if step is not None
    ])


def _array_step(step: dict) -> Optional[dict]:
    """A pipeline step that reads arrays (None: drop the step)."""
    step = copy.deepcopy(step)
    name = step['type'].split('.')[-1]
    if name in _ANNOTATION_LOADERS:
        return None
    if name in _FILE_LOADERS:
        return dict(type='mmdet.LoadImageFromNDArray')
    if 'transforms' in step:
        step['transforms'] = [
            t for t in map(_array_step, step['transforms']) if t is not None
        ]
    return step


def _config_dataset_meta(config: Config) -> dict:
    """The test dataset's metainfo (classes), without loading annotations.
    """
    dataloader = config.get('test_dataloader') or {}
    dataset = copy.deepcopy(dataloader.get('dataset'))
    if dataset and dataset.get('metainfo'):
        return dict(dataset.metainfo)
    if dataset:
        dataset['lazy_init'] = True
        try:
            return dict(DATASETS.build(dataset).metainfo)
        except (FileNotFoundError, KeyError, TypeError, ValueError):
            pass
    warnings.warn('no class names in the checkpoint nor in the config\'s '
                  'test_dataloader; sequences are named "class <label>".')
    return {}


@contextmanager
def _propagator_settings(model: nn.Module, key_frames: Optional[int],
                         mem_step: Optional[int]) -> Iterator[None]:
    """Set the propagator's K and memory step for one call."""
    propagator = model.propagator
    saved = (propagator.num_key_frames, propagator.mem_step,
             propagator.mem_num)
    if key_frames is not None:
        if key_frames < 0:
            raise ValueError(f'key_frames must be >= 0, got {key_frames}')
        propagator.num_key_frames = key_frames
    if mem_step is not None:
        if mem_step < 1:
            raise ValueError(f'mem_step must be >= 1, got {mem_step}')
        propagator.mem_step, propagator.mem_num = mem_step, None
    try:
        yield
    finally:
        (propagator.num_key_frames, propagator.mem_step,
         propagator.mem_num) = saved
