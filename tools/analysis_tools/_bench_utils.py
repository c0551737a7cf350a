"""Helpers shared by the benchmark scripts of this folder.

A synthetic video (its frames made when they are read) or a folder of
frames, an untrained mmpr model with O instances forced on every key frame
(or a trained one as its config detects), and peak memory (peak RSS on the
CPU, peak allocated memory on CUDA).
"""
import argparse
import os
import os.path as osp
from typing import Optional, Sequence

import mmcv
import torch
from mmdet.structures import DetDataSample, TrackDataSample
from mmengine.config import Config, DictAction
from torch import Tensor

from mmpr.apis import init_model


def add_video_args(parser: argparse.ArgumentParser) -> None:
    """The options of the benchmarked video and model: --size,
    --num-instances, --device and --cfg-options."""
    parser.add_argument(
        '--size',
        type=int,
        nargs=2,
        default=[640, 360],
        metavar=('W', 'H'),
        help='frame size after the test resize')
    parser.add_argument(
        '--num-instances',
        type=int,
        default=10,
        help='instances kept on every key frame (O; every frame for '
        'MaskTrack R-CNN), whatever their score')
    parser.add_argument(
        '--video',
        help='a folder of frames to run on (its first --frames frames, '
        'resized to --size) instead of the synthetic video')
    parser.add_argument(
        '--checkpoint',
        help='trained mmpr weights: detections as the config says instead '
        'of O forced ones (unless --force-instances)')
    parser.add_argument(
        '--force-instances',
        action='store_true',
        help='with --checkpoint, still keep O instances on every key frame '
        'whatever their score (the propagation work of a crowded video)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='mmpr config overrides, e.g. model.propagator.mem_step=1')


class SyntheticFrames(Sequence[Tensor]):
    """T (3, H, W) uint8 frames of blobs moving 2 pixels a frame, each made
    when it is read (a long video costs no memory)."""

    def __init__(self, num_frames: int, width: int, height: int) -> None:
        generator = torch.Generator().manual_seed(0)
        base = torch.rand(3, height // 8, width // 8, generator=generator)
        self.base = torch.nn.functional.interpolate(
            base[None], size=(height, width), mode='bilinear')[0]
        self.num_frames = num_frames

    def __len__(self) -> int:
        return self.num_frames

    def __getitem__(self, t: int) -> Tensor:
        t = range(self.num_frames)[t]
        return (torch.roll(self.base, shifts=2 * t, dims=2) * 255).byte()


class FolderFrames(Sequence[Tensor]):
    """The first T frames of a folder (image files in name order) as
    (3, H, W) uint8 BGR tensors resized to (W, H), each read when indexed.
    """

    def __init__(self, folder: str, num_frames: int, width: int,
                 height: int) -> None:
        files = sorted(os.listdir(folder))[:num_frames]
        if len(files) < num_frames:
            raise SystemExit(f'error: --video {folder} has {len(files)} '
                             f'frames, fewer than --frames {num_frames}')
        self.files = [osp.join(folder, name) for name in files]
        self.size = (width, height)

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, t: int) -> Tensor:
        image = mmcv.imresize(mmcv.imread(self.files[t]), self.size)
        return torch.from_numpy(image).permute(2, 0, 1).contiguous()


def synthetic_video(num_frames: int,
                    width: int,
                    height: int,
                    folder: Optional[str] = None,
                    source_size: Optional[Sequence[int]] = None,
                    prepared: bool = False) -> dict:
    """A batch of one video of T :class:`SyntheticFrames` (or the frames
    of ``folder``), and its samples.

    Args:
        source_size (Sequence[int], optional): (W, H) of the original
            frames, the size of the output masks. Defaults to (width,
            height).
        prepared (bool): Read every frame now (a list of T tensors), so that
            no frame is made or read while the model runs (as frames come
            from a data loader). Defaults to False (each made when read).
    """
    source_w, source_h = source_size or (width, height)
    sample = TrackDataSample()
    sample.video_data_samples = [
        DetDataSample(
            metainfo=dict(
                img_shape=(height, width),
                ori_shape=(source_h, source_w),
                scale_factor=(width / source_w, height / source_h),
                frame_id=t)) for t in range(num_frames)
    ]
    frames = (
        FolderFrames(folder, num_frames, width, height)
        if folder else SyntheticFrames(num_frames, width, height))
    if prepared:
        frames = [frames[t] for t in range(num_frames)]
    return dict(inputs=[frames], data_samples=[sample])


def build_mmpr(cfg: Config,
               num_instances: int,
               device: str,
               checkpoint: Optional[str] = None,
               force_instances: bool = False):
    """An untrained model of ``cfg`` that keeps the top ``num_instances``
    detections of every key frame, whatever their score (score floor 0, no
    key-frame mask NMS, which would drop the untrained detector's repeats),
    so that the propagation work is that of a real video; or, with a
    ``checkpoint``, the trained model detecting as its config says (or
    keeping ``num_instances`` as well with ``force_instances``)."""
    cfg.model.backbone.init_cfg = None
    if checkpoint is None or force_instances:
        cfg.model.test_cfg.rcnn.score_thr = 0.0
        cfg.model.test_cfg.rcnn.max_per_img = num_instances
        cfg.model.test_cfg.key_frame_mask_nms = None
    # as every tool builds a model: the checkpoint must fit it
    return init_model(cfg, checkpoint, device)


def _proc_status_mb(field: str) -> float:
    """A ``VmXXX`` field of /proc/self/status (Linux) in MB."""
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith(field + ':'):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak_memory(device: str) -> float:
    """Start a new peak; returns the memory in use now (MB).

    On the CPU the peak RSS is reset through /proc/self/clear_refs; where
    that is not allowed it stays the peak since the process started.
    """
    if device.startswith('cuda'):
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        return torch.cuda.memory_allocated(device) / 2**20
    try:
        with open('/proc/self/clear_refs', 'w') as clear_refs:
            clear_refs.write('5')
    except OSError:
        pass
    return _proc_status_mb('VmRSS')


def peak_memory_mb(device: str) -> float:
    """Peak allocated CUDA memory, or peak RSS, since the last reset (MB)."""
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated(device) / 2**20
    return _proc_status_mb('VmHWM')
