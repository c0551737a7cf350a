"""Train a model with the mmengine runner (mmdet's arguments)."""
import argparse
import os
import os.path as osp
import sys

import torch
from mmdet.utils import setup_cache_size_limit_of_dynamo
from mmengine.config import DictAction

from mmpr.launch import build_runner, check_dataset_files, make_output_dir
from mmpr.utils import (check_amp, load_config, one_line_errors,
                        setup_cpu_distributed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train an mmpr model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed-precision training: fp16 on CUDA, bf16 on the CPU '
        '(fast where it has AVX-512 bf16 or AMX)')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual batch size')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint, or without a path from the latest '
        'checkpoint in the work dir')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. train_cfg.max_iters=100 or '
        'key="[a,b]"')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main() -> None:
    args = parse_args()
    setup_cache_size_limit_of_dynamo()
    cfg = load_config(args.config, args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
        try:
            note = check_amp(cfg.model, args.config, device)
        except ValueError as error:
            raise SystemExit(f'error: {error}')
        if device == 'cuda':  # fp16 with loss scaling
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.loss_scale = 'dynamic'
        else:  # bf16, the Mask R-CNN heads in fp32
            cfg.optim_wrapper.type = 'BF16OptimWrapper'
        if note:
            print(f'warning: {note}', file=sys.stderr)
    if args.auto_scale_lr:
        if 'base_batch_size' not in cfg.get('auto_scale_lr', {}):
            raise SystemExit('error: --auto-scale-lr needs '
                             'auto_scale_lr.base_batch_size in the config')
        cfg.auto_scale_lr.enable = True
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume

    check_dataset_files(cfg, ['train_dataloader', 'val_dataloader']
                        if cfg.get('val_cfg') else ['train_dataloader'])
    make_output_dir(cfg.work_dir, '--work-dir', is_dir=True)
    # a local checkpoint to start from is checked (mmengine downloads URLs)
    load_from = cfg.get('load_from')
    checkpoint = load_from if load_from and '://' not in load_from else None

    setup_cpu_distributed(cfg)
    with one_line_errors():
        runner = build_runner(cfg, checkpoint)
        runner.train()


if __name__ == '__main__':
    main()
