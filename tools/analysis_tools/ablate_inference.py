"""The paper's inference ablations, in miniature, on a config's test set.

Every setting is one evaluation of the same checkpoint. The runner, its
model and its test loop are built once; each setting changes attributes of
the model's propagator and reducer, re-runs the test loop and restores them,
so the settings an ablation does not vary keep the config's values.

Ablations:

- ``key_frames``: AP vs the number of key frames K (paper Fig. 7),
  ``propagator.num_key_frames``, 0 = every frame.
- ``reduction``: with and without sequence reduction (Table 4). Without it
  every proposal is kept: :class:`SequenceNMS` runs its greedy pass with
  ``iou_thr=inf`` (a sequence IoU is at most 1, so nothing is suppressed;
  1.0 would still drop exact duplicates) and ``score_thr=0`` (scores are
  >= 0, so its stop rule never fires), in its ``'greedy'`` mode.
- ``category_aware``: the plain and the category-aware reduction (Table 5),
  ``reducer.mode`` ``'greedy'`` and ``'category_aware'``.
- ``mem_step``: a frame joins the memory every 1 or 5 frames,
  ``propagator.mem_step``.
- ``key_frame_nms``: the key-frame detections' box NMS per class (the
  paper) or across classes, ``roi_head.test_cfg.nms.class_agnostic``, each
  with and without the authors' class-agnostic mask NMS at IoU 0.2,
  ``test_cfg.key_frame_mask_nms``.
- ``key_frame_masks``: the masks kept on a key frame: the detector's or
  the prop head's re-segmentation of the frame from its own memory (the
  authors' code), ``propagator.resegment_key_frames``.
- ``early_reduction``: for each K of ``--key-frames``, without and with
  early reduction at ``--early-reduction`` mask IoU,
  ``propagator.early_reduction``.
- ``precision``: fp32 and mixed precision (the test loop's autocast, as
  ``tools/test.py --amp``); the mixed run is compared with the fp32 run,
  video by video: sequences matched by mask IoU over the video, the share
  of mask pixels (over all frames of the matched and unmatched sequences)
  on which they agree, their mean mask IoU and the largest score change.

Per setting: AP, AP50, AP75, AR1 and AR10 (YouTube-VIS metric), the test
run's wall time (data loading, inference, evaluation), the model's
inference time per frame (the propagator's stage timers) and the instances
decoded per frame (the propagation work). Writes
``ablations.json`` and ``ablations.md`` (one table per ablation) to
``--out-dir``.

Example::

    python tools/analysis_tools/ablate_inference.py \\
        configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py \\
        work_dirs/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis/iter_1200.pth \\
        --ablations key_frames reduction --key-frames 1 2 4
"""
import argparse
import json
import math
import os.path as osp
import sys
import time
from contextlib import contextmanager
from typing import (Any, Dict, Iterator, List, NamedTuple, Optional, Sequence,
                    Tuple)

import numpy as np
from mmengine.config import DictAction
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmpr.engine import InferenceTimingHook
from mmpr.structures import InstanceSequences, sequence_overlaps
from mmpr.utils import describe_cpu, load_config

# metric name in the tables -> metric item of YouTubeVISMetric
METRICS = dict(
    AP='mAP', AP50='mAP_50', AP75='mAP_75', AR1='AR@1', AR10='AR@10')
TITLES = dict(
    key_frames='AP vs the number of key frames K (paper Fig. 7)',
    reduction='Sequence reduction (paper Table 4)',
    category_aware='Category-aware reduction (paper Table 5)',
    mem_step='Memory step',
    key_frame_nms='Key-frame NMS: box NMS per class or across classes, '
    'mask NMS',
    key_frame_masks="Key-frame masks: the detector's or the prop head's "
    're-segmentation',
    early_reduction='Early reduction: a covered key-frame detection starts '
    'no sequence',
    precision='Precision: fp32 and mixed (autocast)')
_ABSENT = object()  # a test_cfg key the config does not set
NO_REDUCTION = {
    'reducer.iou_thr': math.inf,
    'reducer.score_thr': 0.0,
    'reducer.mode': 'greedy'
}


class Setting(NamedTuple):
    """One evaluation: a name, the model attributes it overrides and
    whether the test loop runs under autocast."""
    name: str
    overrides: Dict[str, Any]
    amp: bool = False


class SequenceRecorder(Hook):
    """Keep the ``pred_sequences`` of every video of a test run."""

    def before_test(self, runner) -> None:
        self.videos: List[InstanceSequences] = []

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch: Optional[dict] = None,
                        outputs: Optional[Sequence] = None) -> None:
        self.videos += [output.pred_sequences for output in outputs or []]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Inference ablations of a Seq Mask R-CNN checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out-dir',
        help='where ablations.json, ablations.md and the logs go (default: '
        'work_dirs/ablate_inference/<config name>)')
    parser.add_argument(
        '--ablations',
        nargs='+',
        choices=list(TITLES),
        default=list(TITLES),
        help='ablations to run (default: all)')
    parser.add_argument(
        '--key-frames',
        nargs='+',
        type=int,
        default=[1, 2, 4, 6, 8, 0],
        help='values of K for the key_frames ablation (0: every frame)')
    parser.add_argument(
        '--early-reduction',
        type=float,
        default=0.5,
        help='mask IoU of the early_reduction ablation')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. test_dataloader.num_workers=0')
    return parser.parse_args()


def ablation_settings(ablation: str,
                      key_frames: List[int],
                      early_reduction: float = 0.5) -> List[Setting]:
    """The settings of one ablation."""
    if ablation == 'precision':
        return [Setting('fp32', {}), Setting('mixed', {}, amp=True)]
    if ablation == 'key_frame_masks':
        return [
            Setting(name, {'propagator.resegment_key_frames': option})
            for name, option in (('detector', False), ('re-segmented', True))
        ]
    if ablation == 'early_reduction':
        return [
            Setting(
                f'{"K=" + str(k) if k else "K=all"}, ' +
                (f'early reduction {iou}' if iou else 'full'), {
                    'propagator.num_key_frames': k,
                    'propagator.early_reduction': iou
                }) for k in key_frames for iou in (None, early_reduction)
        ]
    if ablation == 'key_frames':
        return [
            Setting(f'K={k}' if k else 'K=all',
                    {'propagator.num_key_frames': k}) for k in key_frames
        ]
    if ablation == 'reduction':
        return [Setting('with', {}), Setting('without', NO_REDUCTION)]
    if ablation == 'category_aware':
        return [
            Setting('plain', {'reducer.mode': 'greedy'}),
            Setting('category-aware', {'reducer.mode': 'category_aware'})
        ]
    if ablation == 'mem_step':
        return [
            Setting(f'mem_step={step}', {'propagator.mem_step': step})
            for step in (1, 5)
        ]
    return [
        Setting(
            ('box NMS across classes' if agnostic else 'box NMS per class') +
            (f', mask NMS {mask_iou}' if mask_iou else ''), {
                'roi_head.test_cfg.nms.class_agnostic': agnostic,
                'test_cfg.key_frame_mask_nms': mask_iou
            }) for mask_iou in (None, 0.2) for agnostic in (False, True)
    ]


def _owner(model: Any, key: str) -> Tuple[Any, str]:
    """The object holding the dotted attribute ``key`` and its last name.

    Inside a dict (a ``test_cfg``) the parts are keys and the last one may
    be absent.
    """
    *path, name = key.split('.')
    owner = model
    for part in path:
        owner = owner[part] if isinstance(owner, dict) else getattr(
            owner, part)
    if not isinstance(owner, dict) and not hasattr(owner, name):
        raise AttributeError(f'{type(owner).__name__} has no attribute '
                             f'{name!r} (setting {key})')
    return owner, name


def _get(owner: Any, name: str) -> Any:
    if isinstance(owner, dict):
        return owner.get(name, _ABSENT)
    return getattr(owner, name)


def _set(owner: Any, name: str, value: Any) -> None:
    if not isinstance(owner, dict):
        setattr(owner, name, value)
    elif value is _ABSENT:
        owner.pop(name, None)
    else:
        owner[name] = value


@contextmanager
def overridden(model: Any, overrides: Dict[str, Any]) -> Iterator[None]:
    """Set the dotted attributes of ``model``, restore them on exit."""
    saved = {}
    try:
        for key, value in overrides.items():
            owner, name = _owner(model, key)
            saved[key] = _get(owner, name)
            _set(owner, name, value)
        yield
    finally:
        for key, value in saved.items():
            _set(*_owner(model, key), value)


def metric_values(metrics: Dict[str, float]) -> Dict[str, float]:
    """AP, AP50, ... from the evaluator's output (keys with any prefix)."""
    items = {key.split('/')[-1]: value for key, value in metrics.items()}
    return {
        name: float(items[f'segm_{item}'])
        for name, item in METRICS.items()
    }


def agreement(reference: List[InstanceSequences],
              other: List[InstanceSequences]) -> Dict[str, float]:
    """How far ``other`` is from ``reference``, video by video.

    Sequences are matched greedily in the reference's score order to the
    unmatched sequence of highest IoU over the video. Returns the share of
    pixels (all frames of every sequence; an unmatched one against an empty
    mask) on which the masks agree, the mean IoU of the matched pairs, the
    largest score change between them and the number of unmatched
    sequences.
    """
    differ = total = 0.0
    ious, score_changes, unmatched = [], [0.0], 0
    for a, b in zip(reference, other):
        inter, area_a, area_b = sequence_overlaps(a.masks, b.masks)
        union = area_a[:, None] + area_b[None] - inter
        iou = inter / np.maximum(union, 1)
        pixels = a.num_frames * a.mask_size[0] * a.mask_size[1]
        free = set(range(len(b)))
        for i in np.argsort(-a.scores, kind='stable'):
            j = max(free, key=lambda j: iou[i, j], default=None)
            total += pixels
            if j is None or iou[i, j] == 0:
                differ += area_a[i]
                unmatched += 1
                continue
            free.discard(j)
            differ += union[i, j] - inter[i, j]
            ious.append(iou[i, j])
            score_changes.append(abs(a.scores[i] - b.scores[j]))
        for j in free:
            differ += area_b[j]
            unmatched += 1
            total += pixels
    return dict(
        pixel_agreement=1 - differ / max(total, 1),
        mean_iou=float(np.mean(ious)) if ious else 0.0,
        max_score_change=float(max(score_changes)),
        unmatched=unmatched)


def markdown(results: Dict[str, List[dict]]) -> str:
    """One table per ablation, AP/AR in percent."""
    lines = []
    for ablation, rows in results.items():
        columns = list(METRICS) + ['test (s)', 'ms/frame', 'decodes/frame']
        compared = 'pixel_agreement' in rows[-1]
        if compared:
            columns += [
                'pixel agreement', 'mean IoU', 'max score change', 'unmatched'
            ]
        lines += [
            f'## {TITLES[ablation]}', '',
            '| setting | ' + ' | '.join(columns) + ' |',
            '|---' * (len(columns) + 1) + '|'
        ]
        for row in rows:
            cells = [f'{100 * row[name]:.1f}' for name in METRICS]
            cells += [
                f"{row['test_s']:.2f}", f"{row['ms_per_frame']:.1f}",
                f"{row['decodes_per_frame']:.1f}"
            ]
            if compared:
                cells += ([
                    f"{100 * row['pixel_agreement']:.2f}%",
                    f"{row['mean_iou']:.3f}", f"{row['max_score_change']:.3f}",
                    str(row['unmatched'])
                ] if 'pixel_agreement' in row else ['(reference)'] + [''] * 3)
            lines.append(f"| {row['setting']} | " + ' | '.join(cells) + ' |')
        lines.append('')
    return '\n'.join(lines)


def build_runner(args: argparse.Namespace, out_dir: str) -> Runner:
    """The test runner of the config, loading the checkpoint."""
    if not osp.isfile(args.checkpoint):
        sys.exit(f'error: checkpoint {args.checkpoint} does not exist')
    cfg = load_config(args.config, args.cfg_options)
    if 'propagator' not in cfg.model or 'reducer' not in cfg.model:
        sys.exit(f'error: {args.config} is not a Seq Mask R-CNN config '
                 '(model.propagator and model.reducer are needed)')
    evaluator = cfg.get('test_evaluator') or {}
    if evaluator.get('type') != 'YouTubeVISMetric' or evaluator.get(
            'format_only'):
        sys.exit(f'error: {args.config} must score an annotated test set '
                 'with YouTubeVISMetric (without format_only)')
    evaluator.metric_items = list(METRICS.values())
    cfg.work_dir = out_dir
    cfg.load_from = args.checkpoint
    return Runner.from_cfg(cfg)


def main() -> None:
    args = parse_args()
    if any(k < 0 for k in args.key_frames):
        sys.exit('error: --key-frames must be >= 0 (0: every frame)')
    out_dir = args.out_dir or osp.join(
        'work_dirs', 'ablate_inference',
        osp.splitext(osp.basename(args.config))[0])
    runner = build_runner(args, out_dir)
    timing, recorder = InferenceTimingHook(), SequenceRecorder()
    runner.register_hook(timing)
    runner.register_hook(recorder)
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    runner.logger.info(describe_cpu())

    results: Dict[str, List[dict]] = {}
    for ablation in args.ablations:
        results[ablation] = []
        reference = None
        for setting in ablation_settings(ablation, args.key_frames,
                                         args.early_reduction):
            runner.logger.info(f'ablation {ablation}: {setting.name} '
                               f'{setting.overrides or "(config values)"}'
                               f'{" under autocast" if setting.amp else ""}')
            runner.test_loop.fp16 = setting.amp
            with overridden(model, setting.overrides):
                start = time.perf_counter()
                metrics = runner.test()
                seconds = time.perf_counter() - start
            inference = sum(timing.seconds.values())
            frames = max(timing.frames, 1)
            row = dict(
                setting=setting.name,
                overrides=[
                    f'{key}={value}'
                    for key, value in setting.overrides.items()
                ] + (['autocast'] if setting.amp else []),
                **metric_values(metrics),
                test_s=seconds,
                ms_per_frame=1000 * inference / frames,
                decodes_per_frame=timing.counts['decodes'] / frames,
                frames=timing.frames)
            if ablation == 'precision' and reference is not None:
                row.update(agreement(reference, recorder.videos))
            reference = reference or recorder.videos
            results[ablation].append(row)

    table = markdown(results)
    with open(osp.join(out_dir, 'ablations.json'), 'w') as file:
        json.dump(
            dict(
                config=args.config,
                checkpoint=args.checkpoint,
                ablations=results),
            file,
            indent=2)
    with open(osp.join(out_dir, 'ablations.md'), 'w') as file:
        file.write(table)
    runner.logger.info(f'inference ablations (AP/AR in %):\n{table}')
    runner.logger.info(f'wrote ablations.json and ablations.md to {out_dir}')


if __name__ == '__main__':
    main()
