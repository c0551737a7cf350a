"""Peak memory of whole-video inference against the video length.

Each length runs in a fresh process (peak RSS on the CPU, peak allocated
memory on CUDA) on a synthetic video at the YouTube-VIS input size, with
untrained weights and O instances forced on every key frame (score floor 0),
so that the propagation work is that of a real video.

Example::

    python tools/analysis_tools/benchmark_memory.py configs/seq_mask_rcnn/\
seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019.py --frames 25 100
"""
import argparse
import json
import resource
import subprocess
import sys
import time

import torch
from mmdet.structures import DetDataSample, TrackDataSample
from mmengine.config import DictAction
from mmengine.registry import DefaultScope

from mmpr.registry import MODELS
from mmpr.utils import load_config


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Peak memory of inference against video length')
    parser.add_argument('config', help='model config')
    parser.add_argument(
        '--frames',
        type=int,
        nargs='+',
        default=[25, 100],
        help='video lengths T')
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
        help='instances forced on every key frame (O)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='config overrides, e.g. model.propagator.max_memory=8')
    parser.add_argument('--one', action='store_true', help=argparse.SUPPRESS)
    return parser.parse_args()


def synthetic_video(num_frames: int, width: int, height: int) -> dict:
    """A (1, T, 3, H, W) uint8 video of moving blobs, and its samples."""
    generator = torch.Generator().manual_seed(0)
    base = torch.rand(3, height // 8, width // 8, generator=generator)
    base = torch.nn.functional.interpolate(
        base[None], size=(height, width), mode='bilinear')[0]
    frames = []
    for t in range(num_frames):
        frames.append((torch.roll(base, shifts=2 * t, dims=2) * 255).byte())
    sample = TrackDataSample()
    sample.video_data_samples = [
        DetDataSample(
            metainfo=dict(
                img_shape=(height, width),
                ori_shape=(height, width),
                scale_factor=(1.0, 1.0),
                frame_id=t)) for t in range(num_frames)
    ]
    return dict(inputs=[torch.stack(frames)], data_samples=[sample])


def measure(args: argparse.Namespace, num_frames: int) -> dict:
    cfg = load_config(args.config, args.cfg_options)
    cfg.model.backbone.init_cfg = None
    cfg.model.test_cfg.rcnn.score_thr = 0.0
    cfg.model.test_cfg.rcnn.max_per_img = args.num_instances
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model).to(args.device).eval()
    data = model.data_preprocessor(
        synthetic_video(num_frames, *args.size), False)
    if args.device.startswith('cuda'):
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    with torch.no_grad():
        model.predict(data['inputs'].to(args.device), data['data_samples'])
    seconds = time.perf_counter() - start
    if args.device.startswith('cuda'):
        peak_mb = torch.cuda.max_memory_allocated() / 2**20
    else:
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(
        frames=num_frames,
        peak_mb=round(peak_mb, 1),
        seconds=round(seconds, 2),
        stages={
            k: round(v, 2)
            for k, v in model.propagator.timings().items()
        })


def main() -> None:
    args = parse_args()
    if args.one:  # a child process: one length, one json line
        print(json.dumps(measure(args, args.frames[0])))
        return
    rows = []
    for num_frames in args.frames:
        command = [
            sys.executable, __file__, args.config, '--one', '--frames',
            str(num_frames), '--size', *map(str, args.size), '--num-instances',
            str(args.num_instances), '--device', args.device
        ]
        if args.cfg_options:
            command += ['--cfg-options'] + [
                f'{key}={json.dumps(value)}'
                for key, value in args.cfg_options.items()
            ]
        result = subprocess.run(
            command, capture_output=True, text=True, check=False)
        if result.returncode:
            raise SystemExit(f'error: T={num_frames} failed:\n'
                             f'{result.stderr[-2000:]}')
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
        row = rows[-1]
        print(f"T={row['frames']:4d}  peak {row['peak_mb']:8.1f} MB  "
              f"{row['seconds']:7.2f} s  {row['stages']}")
    base = rows[0]['peak_mb']
    for row in rows[1:]:
        print(f"peak(T={row['frames']}) / peak(T={rows[0]['frames']}) = "
              f"{row['peak_mb'] / base:.2f}")


if __name__ == '__main__':
    main()
