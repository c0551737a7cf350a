"""Peak memory of whole-video inference against the video length.

Each length runs in a fresh process (peak RSS on the CPU, peak allocated
memory on CUDA) on a synthetic video at the YouTube-VIS input size, with
untrained weights and O instances forced on every key frame (score floor 0),
so that the propagation work is that of a real video. The video goes through
``test_step`` (data preprocessor included); its uint8 frames are made when
the model reads them, so the peak is the model's, for any length.

Example (``model.propagator.max_memory=10``: the long-video setting)::

    python tools/analysis_tools/benchmark_memory.py configs/seq_mask_rcnn/\
seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019.py --frames 25 100 200
    python tools/analysis_tools/benchmark_memory.py configs/toy/\
seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py --frames 25 100 2000 \
        --cfg-options model.propagator.max_memory=10
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time

# registers StraightforwardPropagator (model.propagator.type=...)
import straightforward_propagator  # noqa: F401
import torch
from _bench_utils import (add_video_args, build_mmpr, peak_memory_mb,
                          reset_peak_memory, synthetic_video)

from mmpr.utils import StageTimer, load_config


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
        '--out-dir',
        help='add the rows under --label to DIR/memory.json and draw every '
        'label of it in DIR/memory.png')
    parser.add_argument(
        '--label', default='mmpr', help='name of this run in --out-dir')
    parser.add_argument('--one', action='store_true', help=argparse.SUPPRESS)
    add_video_args(parser)
    return parser.parse_args()


def measure(args: argparse.Namespace, num_frames: int) -> dict:
    model = build_mmpr(
        load_config(args.config, args.cfg_options), args.num_instances,
        args.device)
    video = synthetic_video(num_frames, *args.size)
    reset_peak_memory(args.device)
    start = time.perf_counter()
    with torch.no_grad(), StageTimer() as timer:
        model.test_step(video)
    seconds = time.perf_counter() - start
    return dict(
        frames=num_frames,
        peak_mb=round(peak_memory_mb(args.device), 1),
        seconds=round(seconds, 2),
        stages={
            k: round(v, 2)
            for k, v in timer.seconds.items()
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
    if args.out_dir:
        save(args, rows)


def save(args: argparse.Namespace, rows: list) -> None:
    """Merge ``rows`` into DIR/memory.json and plot every label in it."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    os.makedirs(args.out_dir, exist_ok=True)
    path = osp.join(args.out_dir, 'memory.json')
    runs = {}
    if osp.isfile(path):
        with open(path) as f:
            runs = json.load(f)
    runs[args.label] = dict(
        config=args.config,
        size=args.size,
        num_instances=args.num_instances,
        device=args.device,
        rows=rows)
    with open(path + '.tmp', 'w') as f:
        json.dump(runs, f, indent=1)
    os.replace(path + '.tmp', path)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for label, run in runs.items():
        ax.plot([r['frames'] for r in run['rows']],
                [r['peak_mb'] for r in run['rows']],
                marker='o',
                label=label)
    ax.set_xlabel('video length T (frames)')
    ax.set_ylabel('peak memory (MB)')
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(osp.join(args.out_dir, 'memory.png'), dpi=120)
    print(f'wrote {path} and memory.png')


if __name__ == '__main__':
    main()
