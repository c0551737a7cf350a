"""Inference speed of mmpr against mmdet's MaskTrack R-CNN (same backbone).

Both models run untrained (no download) on the same synthetic video at the
same input size, after a warm-up, in one process. The frames are prepared
before the timing (as a data loader delivers them: resized to the input
size), from an original size (``--source-size``, default twice the input
size as YouTube-VIS: 1280x720 tested at 640x360) to which mmpr's output
masks are resized inside the timing. mmpr processes the whole video at once
(``test_step`` on the video), with O instances forced on every key frame
(score floor 0); MaskTrack R-CNN runs frame by frame as mmdet's VIS test
loop feeds it (``test_step`` on one frame with its ``frame_id``), with the
same O detections per frame.

Prints frames per second, the ratio of times per frame, mmpr's time per
stage, mmpr's time per frame split into model work (pre-processing,
backbone+FPN, detection, memory writes, propagation, classification) and
host work (the rest: RLE encoding, mask boxes, reduction, output resize and
the Python between them), and the peak memory over each model's runs
(``torch.cuda.max_memory_allocated`` on CUDA; on the CPU the peak RSS, whose
level before a run includes what the allocator kept from earlier runs:
``benchmark_memory.py`` measures mmpr's peak in fresh processes). The stage
timers do not synchronise CUDA unless ``--profile-stages`` asks: on a GPU
the stages then show the host's time in them, and the model/host split is
the host's view (``--profile-stages`` gives each stage its device time, at
the cost of the overlap). On the CPU both are the same.
``--straightforward`` also times mmpr with the authors' cost model
(``StraightforwardPropagator``, in this folder) and checks that its outputs
equal the default path's. ``--amp`` also times both models under mixed
precision, the same way: backbone and FPN (and mmpr's prop head) under
autocast with channels-last weights, bf16 on the CPU and fp16 on CUDA, the
detector heads in fp32 (mmcv's CPU NMS and RoIAlign have no bf16 kernels).
``--early-reduction IOU`` also times mmpr with early reduction.
``--checkpoint`` and ``--video`` run a trained mmpr on real frames (e.g.
the toy model on a toy valid video, where detections repeat and early
reduction has work to skip).

Examples::

    python tools/analysis_tools/benchmark_speed.py --device cuda \\
        --frames 10 --straightforward --amp --json speed.json
    # host work per frame at the authors' K = 5, memory every frame
    python tools/analysis_tools/benchmark_speed.py --mmpr-only \\
        --frames 10 --key-frames 5 --cfg-options model.propagator.mem_step=1
    python tools/analysis_tools/benchmark_speed.py \\
        configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-400i_toy-vis.py \\
        --masktrack-config \\
        configs/toy/masktrack-rcnn_r18_fpn_1xb2-1200i_toy-vis.py \\
        --checkpoint work_dirs/demo/train/iter_400.pth \\
        --video data/toy/youtube_vis_2019/valid/JPEGImages/304b554133 \\
        --frames 20 --size 320 192 --key-frames 6 --early-reduction 0.5
"""
import argparse
import json
import time
from contextlib import contextmanager, nullcontext
from functools import partial
from typing import Any, Callable, Dict, Iterator, List

import numpy as np
import torch
from _bench_utils import (add_video_args, build_mmpr, peak_memory_mb,
                          reset_peak_memory, synthetic_video)
from mmdet.registry import MODELS as MMDET_MODELS
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.utils import register_all_modules
from mmengine.hub import get_config
from mmengine.registry import DefaultScope
from pycocotools import mask as mask_utils
from straightforward_propagator import StraightforwardPropagator

from mmpr.structures import InstanceSequences
from mmpr.utils import (StageTimer, channels_last, describe_cpu,
                        fp32_contiguous, load_config, mixed_precision)

MMPR_CONFIG = ('configs/seq_mask_rcnn/'
               'seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019.py')
MASKTRACK_CONFIG = ('mmdet::masktrack_rcnn/'
                    'masktrack-rcnn_mask-rcnn_r50_fpn_8xb1-12e_'
                    'youtubevis2019.py')
RUNS = dict(
    mmpr='mmpr',
    mmpr_early='mmpr, early reduction',
    mmpr_mixed='mmpr, mixed',
    mmpr_early_mixed='mmpr, early reduction, mixed',
    straightforward='mmpr (straightforward)',
    masktrack='MaskTrack R-CNN',
    masktrack_mixed='MaskTrack R-CNN, mixed')
STAGES = dict(
    preprocessing='pre-processing',
    backbone='backbone+FPN',
    detection='key-frame detection',
    memory='memory writes',
    propagation='propagation',
    classification='classification',
    boxes='mask boxes',
    encoding='RLE encoding',
    reduction='reduction',
    output='output')
# mmpr's model work; every other second of a run is host work
MODEL_STAGES = ('preprocessing', 'backbone', 'detection', 'memory',
                'propagation', 'classification')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Inference speed of mmpr and MaskTrack R-CNN')
    parser.add_argument(
        'config', nargs='?', default=MMPR_CONFIG, help='mmpr model config')
    parser.add_argument(
        '--masktrack-config',
        default=MASKTRACK_CONFIG,
        help='MaskTrack R-CNN config (a file or mmdet::...)')
    parser.add_argument(
        '--frames', type=int, default=10, help='video length T')
    parser.add_argument(
        '--source-size',
        type=int,
        nargs=2,
        metavar=('W', 'H'),
        help="original frame size, to which mmpr's output masks are resized "
        '(default: twice --size)')
    parser.add_argument(
        '--key-frames', type=int, default=6, help='key frames of mmpr (K)')
    parser.add_argument(
        '--warmup',
        type=int,
        default=1,
        help='untimed runs on the video before each timed run')
    parser.add_argument(
        '--straightforward',
        action='store_true',
        help="also time mmpr with the authors' cost model and compare")
    parser.add_argument(
        '--amp',
        action='store_true',
        help='also time both models under mixed precision')
    parser.add_argument(
        '--early-reduction',
        type=float,
        metavar='IOU',
        help='also time mmpr with early reduction at this mask IoU')
    parser.add_argument(
        '--mmpr-only',
        action='store_true',
        help='time mmpr only (no MaskTrack R-CNN)')
    parser.add_argument(
        '--profile-stages',
        action='store_true',
        help='synchronise CUDA around every stage (device time per stage)')
    parser.add_argument('--json', help='save all numbers to this file')
    add_video_args(parser)
    return parser.parse_args()


def build_masktrack(config: str, num_instances: int, device: str):
    """An untrained MaskTrack R-CNN keeping ``num_instances`` detections per
    frame (score floor 0)."""
    cfg = get_config(config) if '::' in config else load_config(config)
    detector = cfg.model.detector
    detector.init_cfg = None
    detector.backbone.init_cfg = None
    detector.test_cfg.rcnn.update(score_thr=0.0, max_per_img=num_instances)
    register_all_modules(init_default_scope=False)
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MMDET_MODELS.build(cfg.model)
    return model.to(device).eval()


def frame_batches(video: dict) -> List[dict]:
    """The video as mmdet's VIS test loop feeds it: one frame per batch."""
    frames = video['inputs'][0]
    samples = video['data_samples'][0]
    batches = []
    for t in range(len(frames)):
        sample = TrackDataSample()
        sample.video_data_samples = [
            DetDataSample(metainfo=samples[t].metainfo)
        ]
        batches.append(dict(inputs=[frames[t][None]], data_samples=[sample]))
    return batches


@torch.no_grad()  # as mmengine's test loop
def run_mmpr(model, video: dict, amp: bool = False) -> InstanceSequences:
    """mmpr on the whole video; its instance sequences."""
    with mixed_precision(model.data_preprocessor.device, enabled=amp):
        sequences = model.test_step(video)[0].pred_sequences
    return sequences


@contextmanager
def mixed_backbone(model) -> Iterator[None]:
    """MaskTrack R-CNN's backbone and FPN under autocast, channels-last,
    in fp32 out: the split of mmpr's mixed precision."""
    detector = model.detector
    extract_feat = detector.extract_feat

    def mixed_extract_feat(inputs):
        with mixed_precision(inputs.device):
            feats = extract_feat(inputs)
        return fp32_contiguous(feats)

    detector.extract_feat = mixed_extract_feat
    try:
        with channels_last(detector.backbone, detector.neck):
            yield
    finally:
        del detector.extract_feat


@torch.no_grad()
def run_masktrack(model, batches: List[dict], amp: bool = False) -> list:
    """MaskTrack R-CNN frame by frame; the frames' results."""
    with mixed_backbone(model) if amp else nullcontext():
        return [model.test_step(batch)[0][0] for batch in batches]


def measure(run: Callable[[Any], list], make_inputs: Callable[[], Any],
            args: argparse.Namespace) -> dict:
    """Time one run after ``args.warmup`` untimed ones, each on fresh inputs
    made outside the timing; the peak memory covers all the runs."""
    before_mb = reset_peak_memory(args.device)
    for _ in range(args.warmup):
        run(make_inputs())
    inputs = make_inputs()
    if args.device.startswith('cuda'):
        torch.cuda.synchronize(args.device)
    start = time.perf_counter()
    with StageTimer(args.profile_stages) as timer:
        outputs = run(inputs)
    if args.device.startswith('cuda'):
        torch.cuda.synchronize(args.device)
    seconds = time.perf_counter() - start
    peak_mb = peak_memory_mb(args.device)
    return dict(
        seconds=seconds,
        fps=args.frames / seconds,
        seconds_per_frame=seconds / args.frames,
        peak_mb=peak_mb,
        extra_mb=peak_mb - before_mb,
        stages=dict(timer.seconds),
        decodes_per_frame=timer.counts['decodes'] / args.frames,
        outputs=outputs)


def compare(ours: InstanceSequences,
            theirs: InstanceSequences) -> Dict[str, float]:
    """Largest class score difference and smallest mask IoU of two mmpr
    runs; different sequence counts or presence count as infinitely
    different."""
    if len(ours) != len(theirs):
        return dict(max_score_diff=float('inf'), min_mask_iou=0.0)
    score_diff = float(
        np.abs(ours.class_scores - theirs.class_scores).max(initial=0.0))
    min_iou = 1.0
    for s in range(len(ours)):
        if ours.frames(s) != theirs.frames(s):
            return dict(max_score_diff=float('inf'), min_mask_iou=0.0)
        for t in ours.frames(s):
            iou = mask_utils.iou([ours.masks[s][t]], [theirs.masks[s][t]], [0])
            min_iou = min(min_iou, float(iou[0][0]))
    return dict(max_score_diff=score_diff, min_mask_iou=min_iou)


def split_work(result: dict, num_frames: int) -> dict:
    """mmpr's milliseconds per frame of model work and of host work (its
    stages and ``other``: the time in no stage)."""
    stages = result['stages']
    model = sum(stages.get(key, 0.0) for key in MODEL_STAGES)
    host = {
        key: stages.get(key, 0.0)
        for key in STAGES if key not in MODEL_STAGES
    }
    host['other'] = result['seconds'] - model - sum(host.values())
    return dict(
        model_ms=1000 * model / num_frames,
        host_ms=1000 * (result['seconds'] - model) / num_frames,
        host_stages_ms={
            key: 1000 * seconds / num_frames
            for key, seconds in host.items()
        })


def report_work(work: dict, decodes_per_frame: float) -> None:
    """mmpr's model and host work per frame."""
    host = ', '.join(f'{STAGES.get(key, key)} {ms:.1f}'
                     for key, ms in work['host_stages_ms'].items())
    print(f"  per frame: model work {work['model_ms']:.1f} ms, host work "
          f"{work['host_ms']:.1f} ms ({host}); "
          f'{decodes_per_frame:.1f} instance-frames propagated')


def report(name: str, result: dict, unit: str) -> None:
    decodes = (f", {result['decodes_per_frame']:.1f} decodes/frame"
               if result['decodes_per_frame'] else '')
    print(f"{name:<30}{result['seconds']:8.3f} s  {result['fps']:7.2f} FPS  "
          f"peak {result['peak_mb']:8.1f} MB {unit} "
          f"(+{result['extra_mb']:.1f} MB over the loaded models){decodes}")


def report_stages(stages: Dict[str, float], total: float) -> None:
    """mmpr's time per stage (a ``StageTimer`` around the run)."""
    for key, name in STAGES.items():
        seconds = stages.get(key, 0.0)
        print(f'  {name:<24}{seconds:8.3f} s ({100 * seconds / total:4.1f}%)')
    other = total - sum(stages.get(key, 0.0) for key in STAGES)
    print(f"  {'other':<24}{other:8.3f} s "
          f'({100 * other / total:4.1f}%)')


def run_all(args: argparse.Namespace, cfg, mmpr) -> Dict[str, dict]:
    """Every run the options ask for, each on freshly prepared frames."""
    source = args.source_size or [2 * side for side in args.size]
    video = partial(
        synthetic_video,
        args.frames,
        *args.size,
        args.video,
        source_size=source,
        prepared=True)
    results = dict(mmpr=measure(partial(run_mmpr, mmpr), video, args))
    if args.early_reduction is not None:
        mmpr.propagator.early_reduction = args.early_reduction
        results['mmpr_early'] = measure(partial(run_mmpr, mmpr), video, args)
        if args.amp:
            results['mmpr_early_mixed'] = measure(
                partial(run_mmpr, mmpr, amp=True), video, args)
        mmpr.propagator.early_reduction = None
    if args.amp:
        results['mmpr_mixed'] = measure(
            partial(run_mmpr, mmpr, amp=True), video, args)
    if args.straightforward:
        default = mmpr.propagator
        mmpr.propagator = StraightforwardPropagator(
            **{
                key: value
                for key, value in cfg.model.propagator.items() if key != 'type'
            })
        results['straightforward'] = measure(
            partial(run_mmpr, mmpr), video, args)
        mmpr.propagator = default
    if args.mmpr_only:
        return results
    masktrack = build_masktrack(args.masktrack_config, args.num_instances,
                                args.device)
    results['masktrack'] = measure(
        partial(run_masktrack, masktrack), lambda: frame_batches(video()),
        args)
    if args.amp:
        results['masktrack_mixed'] = measure(
            partial(run_masktrack, masktrack, amp=True),
            lambda: frame_batches(video()), args)
    return results


def summarise(args: argparse.Namespace, results: Dict[str, dict]) -> dict:
    """Print and return the ratios between the runs."""
    seconds = {key: result['seconds'] for key, result in results.items()}
    peer = 'masktrack' in results
    summary = {}
    if peer:
        summary['ratio'] = seconds['mmpr'] / seconds['masktrack']
        print('mmpr / MaskTrack R-CNN time per frame, fp32: '
              f"{summary['ratio']:.2f}")
    if args.amp:
        summary['mmpr_amp_speedup'] = seconds['mmpr'] / seconds['mmpr_mixed']
        line = f"mmpr fp32 / mixed: {summary['mmpr_amp_speedup']:.2f}x"
        if peer:
            summary['ratio_mixed'] = (
                seconds['mmpr_mixed'] / seconds['masktrack_mixed'])
            line = ('mmpr / MaskTrack R-CNN time per frame, mixed: '
                    f"{summary['ratio_mixed']:.2f}; {line}")
        print(line)
    if args.early_reduction is not None:
        summary['early_speedup'] = seconds['mmpr'] / seconds['mmpr_early']
        summary['early_decodes_ratio'] = (
            results['mmpr']['decodes_per_frame'] /
            max(results['mmpr_early']['decodes_per_frame'], 1e-9))
        line = (f'early reduction at IoU {args.early_reduction}: '
                f"{summary['early_speedup']:.2f}x faster, "
                f"{summary['early_decodes_ratio']:.2f}x fewer decodes")
        if peer:
            summary['ratio_early'] = (
                seconds['mmpr_early'] / seconds['masktrack'])
            line += ('; mmpr with it / MaskTrack R-CNN time per frame, '
                     f"fp32: {summary['ratio_early']:.2f}")
        print(line)
        if args.amp and peer:
            summary['ratio_early_mixed'] = (
                seconds['mmpr_early_mixed'] / seconds['masktrack_mixed'])
            print('mmpr with it / MaskTrack R-CNN time per frame, mixed: '
                  f"{summary['ratio_early_mixed']:.2f}")
    if args.straightforward:
        summary['speedup'] = (
            results['straightforward']['seconds'] / results['mmpr']['seconds'])
        summary.update(
            compare(results['mmpr']['outputs'],
                    results['straightforward']['outputs']))
        equal = (
            summary['max_score_diff'] <= 1e-4
            and summary['min_mask_iou'] > 0.999)
        print('default path speed-up over straightforward: '
              f"{summary['speedup']:.2f}x")
        print('straightforward vs default outputs: max score difference '
              f"{summary['max_score_diff']:.2e}, min mask IoU "
              f"{summary['min_mask_iou']:.4f}: "
              f"{'equal' if equal else 'DIFFERENT'} (tolerance 1e-4)")
    return summary


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options)
    cfg.model.propagator.num_key_frames = args.key_frames
    print(describe_cpu() if args.device ==
          'cpu' else f'device: {torch.cuda.get_device_name(args.device)}')
    mmpr = build_mmpr(cfg, args.num_instances, args.device, args.checkpoint,
                      args.force_instances)
    unit = 'CUDA' if args.device.startswith('cuda') else 'RSS'
    width, height = args.size
    source_w, source_h = args.source_size or (2 * width, 2 * height)
    trained = f'trained mmpr {args.checkpoint}, ' if args.checkpoint else ''
    print(f"video: T={args.frames} frames ({args.video or 'synthetic'}) at "
          f'{width}x{height} from {source_w}x{source_h}, device '
          f'{args.device}, {trained}O={args.num_instances} instances, '
          f'K={args.key_frames} key frames, mem_step '
          f'{mmpr.propagator.video_mem_step(args.frames)}, warm-up '
          f'{args.warmup}')

    results = run_all(args, cfg, mmpr)
    for key, name in RUNS.items():
        if key in results:
            report(name, results[key], unit)
            if key.startswith('mmpr') or key == 'straightforward':
                report_stages(results[key]['stages'], results[key]['seconds'])
                results[key]['work'] = split_work(results[key], args.frames)
                report_work(results[key]['work'],
                            results[key]['decodes_per_frame'])
    summary = summarise(args, results)
    if args.json:
        for result in results.values():
            result.pop('outputs')
        with open(args.json, 'w') as file:
            json.dump(
                dict(settings=vars(args), summary=summary, **results),
                file,
                indent=2)


if __name__ == '__main__':
    main()
