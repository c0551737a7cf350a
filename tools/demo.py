"""Segment the instance sequences of one video and draw them.

    python tools/demo.py VIDEO CONFIG --checkpoint CKPT --out out.mp4 \
        --out-json results.json

VIDEO is a video file (.mp4) or a folder of frames. Every sequence is drawn
in its own colour on every frame (mask, box, category and score) into an
H.264 mp4 (or a folder of frames when --out has no video suffix); the json
holds every sequence as official YouTube-VIS result records (one per
sequence, its best category), whatever --score-thr.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction

from mmpr.apis import inference_video, init_model, open_video, render_video
from mmpr.launch import is_seq_mask_rcnn, make_output_dir
from mmpr.utils import load_config, one_line_errors, precision_note
from mmpr.visualization import VIDEO_SUFFIXES, atomic_path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Segment and draw the instance sequences of a video')
    parser.add_argument('video', help='video file (.mp4) or frame folder')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--checkpoint',
        help='checkpoint file (without it the weights are random)')
    parser.add_argument(
        '--out',
        help='drawn video (.mp4, .mov, .mkv, .avi) or, without a video '
        'suffix, a folder of frames')
    parser.add_argument(
        '--out-json', help='YouTube-VIS results json of all sequences')
    parser.add_argument(
        '--video-id',
        type=int,
        default=1,
        help='video_id of the json records (default: 1)')
    parser.add_argument(
        '--key-frames',
        type=int,
        help='K key frames (0: every frame); overrides '
        'model.propagator.num_key_frames')
    parser.add_argument(
        '--mem-step',
        type=int,
        help='memory step; overrides model.propagator.mem_step')
    parser.add_argument(
        '--score-thr',
        type=float,
        default=0.3,
        help='sequences scoring below are not drawn (default: 0.3)')
    parser.add_argument(
        '--fps',
        type=float,
        help='frame rate of the drawn video (default: the input video\'s, '
        'or 10 for a frame folder)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: autocast (bf16 on the CPU, fp16 on CUDA), the '
        'backbone, FPN and prop head channels-last')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. model.test_cfg.rcnn.score_thr=0.1'
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.out is None and args.out_json is None:
        raise SystemExit('error: pass --out (drawn video) and/or --out-json '
                         '(results json)')
    if args.fps is not None and args.fps <= 0:
        raise SystemExit(f'error: --fps must be > 0, got {args.fps}')
    if args.checkpoint is not None and not osp.isfile(args.checkpoint):
        raise SystemExit(f'error: checkpoint {args.checkpoint} does not '
                         'exist; pass the .pth written by tools/train.py.')
    cfg = load_config(args.config, args.cfg_options)
    if is_seq_mask_rcnn(cfg.model):  # a progress bar over each pass
        cfg.model.propagator.progress = True
    note = precision_note(args.device) if args.amp else None
    if note:
        print(f'warning: {note}', file=sys.stderr)
    if args.out is not None:  # a video file or a folder of frames
        make_output_dir(
            args.out,
            '--out',
            is_dir=not args.out.lower().endswith(VIDEO_SUFFIXES))
    if args.out_json is not None:
        make_output_dir(args.out_json, '--out-json')
    try:
        with one_line_errors():
            frames = open_video(args.video)  # read when drawn or segmented
            model = init_model(cfg, args.checkpoint, args.device)
            result = inference_video(
                model, frames, args.key_frames, args.mem_step, amp=args.amp)
    except (FileNotFoundError, ValueError) as error:
        raise SystemExit(f'error: {error}')
    print(f'{len(frames)} frames, {len(result.sequences)} sequences; '
          f'{sum(s.score >= args.score_thr for s in result.sequences)} '
          f'score >= {args.score_thr}')
    for sequence in result.sequences[:10]:
        present = sequence.frames
        print(f'  #{sequence.id} {sequence.category} {sequence.score:.3f} '
              f'frames {present[0]}-{present[-1]} ({len(present)})')

    if args.out_json is not None:
        with atomic_path(args.out_json) as tmp, open(tmp, 'w') as f:
            f.write(result.to_json(args.video_id))
        print(f'results: {args.out_json}')
    if args.out is not None:
        render_video(result, frames, args.out, args.fps or frames.fps or 10.0,
                     args.score_thr)
        print(f'\ndrawn: {args.out}')


if __name__ == '__main__':
    main()
