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
  >= 0, so its stop rule never fires), and without the category-aware pass.
- ``category_aware``: the plain and the category-aware reduction (Table 5),
  ``reducer.category_aware``.
- ``mem_step``: a frame joins the memory every 1 or 5 frames,
  ``propagator.mem_step``.
- ``key_frame_nms``: the key-frame detections' box NMS per class (the
  paper) or across classes, ``roi_head.test_cfg.nms.class_agnostic``, each
  with and without the authors' class-agnostic mask NMS at IoU 0.2,
  ``test_cfg.key_frame_mask_nms``.

Per setting: AP, AP50, AP75, AR1 and AR10 (YouTube-VIS metric), the test
run's wall time (data loading, inference, evaluation) and the model's
inference time per frame (the propagator's stage timers). Writes
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
from typing import Any, Dict, Iterator, List, NamedTuple, Tuple

from mmengine.config import DictAction
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmpr.engine import InferenceTimingHook
from mmpr.utils import load_config

# metric name in the tables -> metric item of YouTubeVISMetric
METRICS = dict(
    AP='mAP', AP50='mAP_50', AP75='mAP_75', AR1='AR@1', AR10='AR@10')
TITLES = dict(
    key_frames='AP vs the number of key frames K (paper Fig. 7)',
    reduction='Sequence reduction (paper Table 4)',
    category_aware='Category-aware reduction (paper Table 5)',
    mem_step='Memory step',
    key_frame_nms='Key-frame NMS: box NMS per class or across classes, '
    'mask NMS')
_ABSENT = object()  # a test_cfg key the config does not set
NO_REDUCTION = {
    'reducer.iou_thr': math.inf,
    'reducer.score_thr': 0.0,
    'reducer.category_aware': False
}


class Setting(NamedTuple):
    """One evaluation: a name and the model attributes it overrides."""
    name: str
    overrides: Dict[str, Any]


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
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. test_dataloader.num_workers=0')
    return parser.parse_args()


def ablation_settings(ablation: str, key_frames: List[int]) -> List[Setting]:
    """The settings of one ablation."""
    if ablation == 'key_frames':
        return [
            Setting(f'K={k}' if k else 'K=all',
                    {'propagator.num_key_frames': k}) for k in key_frames
        ]
    if ablation == 'reduction':
        return [Setting('with', {}), Setting('without', NO_REDUCTION)]
    if ablation == 'category_aware':
        return [
            Setting('plain', {'reducer.category_aware': False}),
            Setting('category-aware', {'reducer.category_aware': True})
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


def markdown(results: Dict[str, List[dict]]) -> str:
    """One table per ablation, AP/AR in percent."""
    columns = list(METRICS) + ['test (s)', 'ms/frame']
    lines = []
    for ablation, rows in results.items():
        lines += [
            f'## {TITLES[ablation]}', '',
            '| setting | ' + ' | '.join(columns) + ' |',
            '|---' * (len(columns) + 1) + '|'
        ]
        for row in rows:
            cells = [f'{100 * row[name]:.1f}' for name in METRICS]
            cells += [f"{row['test_s']:.2f}", f"{row['ms_per_frame']:.1f}"]
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
    timing = InferenceTimingHook()
    runner.register_hook(timing)
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model

    results: Dict[str, List[dict]] = {}
    for ablation in args.ablations:
        results[ablation] = []
        for setting in ablation_settings(ablation, args.key_frames):
            runner.logger.info(f'ablation {ablation}: {setting.name} '
                               f'{setting.overrides or "(config values)"}')
            with overridden(model, setting.overrides):
                start = time.perf_counter()
                metrics = runner.test()
                seconds = time.perf_counter() - start
            inference = sum(timing.seconds.values())
            results[ablation].append(
                dict(
                    setting=setting.name,
                    overrides=[
                        f'{key}={value}'
                        for key, value in setting.overrides.items()
                    ],
                    **metric_values(metrics),
                    test_s=seconds,
                    ms_per_frame=1000 * inference / max(timing.frames, 1),
                    frames=timing.frames))

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
