"""Test a model on whole videos with the mmengine runner (mmdet's arguments).

Prints AP/AR (YouTube-VIS, when the annotation json is annotated) or J&F
(DAVIS-UVOS) and writes the results files of the config's evaluator.
"""
import argparse
import os
import os.path as osp
import sys

import torch
from mmengine.config import DictAction

from mmpr.launch import (build_runner, check_dataset_files, is_seq_mask_rcnn,
                         make_output_dir)
from mmpr.utils import (check_amp, load_config, one_line_errors,
                        setup_cpu_distributed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Test an mmpr model on whole videos')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the dir to save logs and results files')
    parser.add_argument(
        '--out',
        help='YouTube-VIS results json to write (e.g. results.json); the '
        'submission zip is written next to it')
    parser.add_argument(
        '--show-dir',
        help='draw the predicted sequences on every frame into this folder')
    parser.add_argument(
        '--show-score-thr',
        type=float,
        default=0.3,
        help='sequences scoring below are not drawn')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: autocast (bf16 on the CPU, fp16 on CUDA), the '
        'backbone, FPN and prop head channels-last; mmpr models only on the '
        'CPU')
    parser.add_argument(
        '--resume',
        action='store_true',
        help='skip the videos whose results an earlier run of this work dir '
        'kept (work_dir/video_results), run the rest, evaluate all')
    parser.add_argument(
        '--skip-failed',
        action='store_true',
        help='a video that fails (e.g. out of memory, an unreadable frame) '
        'is named and left out, and the run goes on; listed at the end')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. '
        'model.propagator.num_key_frames=4')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def use_amp(cfg, config: str) -> None:
    """Run the test loop under autocast (mmengine's ``TestLoop(fp16=True)``:
    bf16 on the CPU, fp16 on CUDA)."""
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    try:
        note = check_amp(cfg.model, config, device)
    except ValueError as error:
        raise SystemExit(f'error: {error}')
    cfg.test_cfg.fp16 = True
    if note:
        print(f'warning: {note}', file=sys.stderr)


def main() -> None:
    args = parse_args()
    if not osp.isfile(args.checkpoint):
        raise SystemExit(f'error: checkpoint {args.checkpoint} does not '
                         'exist; pass the .pth written by tools/train.py.')
    cfg = load_config(args.config, args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if cfg.get('test_dataloader') is None:
        raise SystemExit(f'error: {args.config} has no test_dataloader.')
    if args.out is not None:
        if not args.out.endswith('.json'):
            raise SystemExit('error: --out must name a .json file')
        cfg.test_evaluator.outfile_prefix = osp.splitext(args.out)[0]
    elif cfg.test_evaluator.get('outfile_prefix', '') is None:
        # configs name no output path: the results go to the work dir
        cfg.test_evaluator.outfile_prefix = osp.join(cfg.work_dir, 'results')
    if is_seq_mask_rcnn(cfg.model):  # not a peer model
        cfg.model.propagator.progress = True
        cfg.custom_hooks = cfg.get('custom_hooks',
                                   []) + [dict(type='InferenceTimingHook')]
    elif args.resume:
        raise SystemExit('error: --resume keeps the results of mmpr models '
                         f'(Seq Mask R-CNN); {args.config} is another model')
    # each finished video's results kept in the work dir (--resume)
    cfg.test_cfg = dict(
        cfg.get('test_cfg') or {},
        type='VideoTestLoop',
        _scope_='mmpr',
        resume=args.resume,
        skip_failed=args.skip_failed)
    if args.amp:
        use_amp(cfg, args.config)
    if args.show_dir is not None:
        cfg.default_hooks.visualization = dict(
            _scope_='mmpr',
            type='SequenceVisualizationHook',
            draw=True,
            out_dir=args.show_dir,
            score_thr=args.show_score_thr)

    check_dataset_files(cfg, ['test_dataloader'])
    make_output_dir(cfg.work_dir, '--work-dir', is_dir=True)
    if args.out is not None:
        make_output_dir(args.out, '--out')
    if args.show_dir is not None:
        make_output_dir(args.show_dir, '--show-dir', is_dir=True)

    setup_cpu_distributed(cfg)
    with one_line_errors():
        runner = build_runner(cfg, args.checkpoint)
        runner.test()


if __name__ == '__main__':
    main()
