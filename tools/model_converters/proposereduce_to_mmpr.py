"""Convert a released Propose-Reduce checkpoint to an mmpr checkpoint.

The authors' models (github.com/dvlab-research/ProposeReduce, README's model
zoo) are old-mmdet (0.5.6) Seq Mask R-CNN checkpoints: one flat state dict
with ``bbox_head.*``/``mask_head.*`` at the top level (mmdet 3:
``roi_head.``), the background class first on the class axis (mmdet 3: last
for ``fc_cls``, absent from ``fc_reg`` and ``conv_logits``), and the prop
head under its own layer names. Every source key is used or knowingly
dropped (the prop head's unused ``convs``, ``upsample`` and ``conv_logits``)
and every key of the target model is filled with its shape, else the
conversion stops with a one-line error naming the key.

Example::

    python tools/model_converters/proposereduce_to_mmpr.py \\
        seq_mask_rcnn_r50_ytv19.pth checkpoints/seq-mask-rcnn_r50_ytvis19.pth
    python tools/model_converters/proposereduce_to_mmpr.py \\
        seq_mask_rcnn_r101_davis.pth checkpoints/r101_davis.pth --dataset davis
"""
import argparse
import os
import os.path as osp
import re
import sys
from collections import OrderedDict
from typing import Dict

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmpr.datasets import youtube_vis_classes
from mmpr.launch import register_all_modules
from mmpr.registry import MODELS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# the released models' configs (their architecture; any config of the same
# model gives the same keys)
CONFIGS = {
    ('youtube_vis', 'r50'): 'seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019',
    ('youtube_vis', 'r101'):
    'seq-mask-rcnn_r101_fpn_4xb3-ft-5e_youtubevis2019',
    ('youtube_vis', 'x101-64x4d'):
    'seq-mask-rcnn_x101-64x4d_fpn_4xb2-ft-5e_youtubevis2019',
    ('davis', 'r50'): 'seq-mask-rcnn_r50_fpn_4xb2-ft-5e_davis-uvos',
    ('davis', 'r101'): 'seq-mask-rcnn_r101_fpn_4xb2-ft-5e_davis-uvos',
    ('davis', 'x101-64x4d'):
    'seq-mask-rcnn_x101-64x4d_fpn_4xb1-ft-5e_davis-uvos',
}
# prop head: the authors' layer -> mmpr's SeqPropHead layer (same shapes)
PROP_HEAD_LAYERS = [
    ('enc_pos', 'mask_encoder'),
    ('enc_fuse', 'memory_encoder'),
    ('atn_key', 'memory_key'),
    ('atn_value', 'memory_value'),
    ('qry_fuse', 'query_encoder'),
    ('qry_atn_key', 'query_key'),
    ('qry_atn_value', 'query_value'),
    ('convFM', 'fuse'),
    ('ResMM', 'fuse_block'),
    ('RF3.convFS', 'refine3.skip_conv'),
    ('RF3.ResFS', 'refine3.skip_block'),
    ('RF3.ResMM', 'refine3.merge_block'),
    ('RF2.convFS', 'refine2.skip_conv'),
    ('RF2.ResFS', 'refine2.skip_block'),
    ('RF2.ResMM', 'refine2.merge_block'),
    ('pred2', 'predictor'),
]
# layers of the authors' prop head that its forward never uses
DEAD_PROP_HEAD_LAYERS = ('convs', 'upsample', 'conv_logits')


class ConversionError(ValueError):
    """A checkpoint that does not convert; the message names the key."""


def rename(key: str) -> str:
    """The mmpr name of one of the authors' keys (None: dropped)."""
    if key.startswith(('bbox_head.', 'mask_head.')):
        return 'roi_head.' + key
    if key.startswith('prop_head.'):
        name = key[len('prop_head.'):]
        if name.split('.')[0] in DEAD_PROP_HEAD_LAYERS:
            return None
        for theirs, ours in PROP_HEAD_LAYERS:
            if name == theirs or name.startswith(theirs + '.'):
                name = ours + name[len(theirs):]
                # the residual blocks' skip conv: 'downsample' -> 'shortcut'
                return 'prop_head.' + name.replace('.downsample.',
                                                   '.shortcut.')
        raise ConversionError(
            f'{key}: not a layer of the Propose-Reduce prop head; is this a '
            'checkpoint of the authors\' Seq Mask R-CNN?')
    if key.startswith(('backbone.', 'neck.', 'rpn_head.')):
        return key
    raise ConversionError(
        f'{key}: not a key of the authors\' Seq Mask R-CNN (backbone, neck, '
        'rpn_head, bbox_head, mask_head, prop_head)')


def move_background(key: str, value: torch.Tensor) -> torch.Tensor:
    """Old mmdet's class axis (background first) in mmdet 3's order.

    ``fc_cls``: the background row moves last; ``fc_reg``: the background's
    4 rows are dropped; ``conv_logits``: the background channel is dropped.
    """
    if key.startswith('roi_head.bbox_head.fc_cls.'):
        return torch.cat([value[1:], value[:1]])
    if key.startswith('roi_head.bbox_head.fc_reg.'):
        return value[4:]
    if key.startswith('roi_head.mask_head.conv_logits.'):
        return value[1:]
    return value


def convert(source: Dict[str, torch.Tensor],
            target: Dict[str, torch.Tensor]) -> 'OrderedDict':
    """The authors' state dict in mmpr's layout, checked against a model's.

    Args:
        source (dict): The authors' flat state dict.
        target (dict): The state dict of the mmpr model to fill (names and
            shapes).

    Raises:
        ConversionError: A source key that maps nowhere, a target key left
            empty, or a shape that differs.
    """
    converted = OrderedDict()
    for key, value in source.items():
        name = rename(key)
        if name is None:
            continue
        if name not in target:
            raise ConversionError(
                f'{key} -> {name}: the mmpr model has no such key; is the '
                'checkpoint of another backbone or head (see --dataset)?')
        value = move_background(name, value)
        if tuple(value.shape) != tuple(target[name].shape):
            raise ConversionError(
                f'{key} -> {name}: shape {tuple(value.shape)}, the mmpr model '
                f'needs {tuple(target[name].shape)}; is the checkpoint of '
                'another model (see --dataset)?')
        converted[name] = value
    for name, value in target.items():
        if name in converted:
            continue
        if name.endswith('.num_batches_tracked'):
            # BN counters (absent from old torch checkpoints) are unused in
            # eval mode and with norm_eval
            converted[name] = torch.zeros_like(value)
            continue
        raise ConversionError(
            f'{name}: no key of the checkpoint fills it; is this a '
            'checkpoint of the authors\' Seq Mask R-CNN?')
    return converted


def detect_backbone(source: Dict[str, torch.Tensor]) -> str:
    """'r50', 'r101' or 'x101-64x4d' from the backbone's keys."""
    if 'backbone.layer1.0.conv2.weight' not in source:
        raise ConversionError('backbone.layer1.0.conv2.weight: missing; this '
                              'is not a ResNet/ResNeXt Seq Mask R-CNN')
    conv = source['backbone.layer1.0.conv2.weight']
    grouped = conv.shape[1] != conv.shape[0]
    depth = 101 if 'backbone.layer3.22.conv1.weight' in source else 50
    if grouped:
        return 'x101-64x4d'
    return f'r{depth}'


def load_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """The flat state dict of a checkpoint file (one-line errors)."""
    if not osp.isfile(path):
        raise ConversionError(f'{path}: no such file; download the model '
                              "from the authors' README first")
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=False)
    except Exception as error:  # pickle and zip errors of every kind
        raise ConversionError(
            f'{path}: not a PyTorch checkpoint ({type(error).__name__}); '
            "pass the authors' .pth file") from None
    state = checkpoint.get('state_dict', checkpoint) if isinstance(
        checkpoint, dict) else None
    if not isinstance(state, dict) or not all(
            isinstance(v, torch.Tensor) for v in state.values()):
        raise ConversionError(f'{path}: holds no state dict of tensors')
    # DataParallel checkpoints prefix every key with 'module.'
    return OrderedDict(
        (re.sub(r'^module\.', '', k), v) for k, v in state.items())


def build_target(config: str) -> Dict[str, torch.Tensor]:
    """The state dict (names, shapes) of the model of an mmpr config."""
    cfg = Config.fromfile(config)
    cfg.model.backbone.init_cfg = None
    register_all_modules()
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model)
    return model.state_dict()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert a released Propose-Reduce checkpoint to mmpr')
    parser.add_argument('src', help="the authors' checkpoint (.pth)")
    parser.add_argument('dst', help='the mmpr checkpoint to write')
    parser.add_argument(
        '--dataset',
        choices=['youtube_vis_2019', 'youtube_vis_2021', 'davis'],
        help='what the model was trained on (its class names); default: '
        'davis for a one-class model, else youtube_vis_2019')
    parser.add_argument(
        '--config',
        help='mmpr config of the same model; default: the fine-tuning '
        'config of the detected backbone and dataset')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        source = load_state_dict(args.src)
        if 'bbox_head.fc_cls.weight' not in source:
            raise ConversionError(
                f'{args.src}: has no bbox_head.fc_cls.weight; not a '
                "checkpoint of the authors' Seq Mask R-CNN")
        num_classes = source['bbox_head.fc_cls.weight'].shape[0] - 1
        dataset = args.dataset or ('davis'
                                   if num_classes == 1 else 'youtube_vis_2019')
        family = 'davis' if dataset == 'davis' else 'youtube_vis'
        config = args.config or osp.join(
            REPO_ROOT, 'configs', 'seq_mask_rcnn',
            CONFIGS[(family, detect_backbone(source))] + '.py')
        converted = convert(source, build_target(config))
    except ConversionError as error:
        sys.exit(f'error: {error}')
    classes = (('object', )
               if dataset == 'davis' else youtube_vis_classes(dataset[-4:]))
    if len(classes) != num_classes:
        sys.exit(f'error: {args.src} has {num_classes} classes but '
                 f'{dataset} has {len(classes)}; pass the right --dataset')
    os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
    partial = args.dst + '.part'
    torch.save(
        dict(
            state_dict=converted,
            meta=dict(
                dataset_meta=dict(classes=classes),
                converted_from=osp.basename(args.src),
                config=osp.relpath(config, REPO_ROOT))), partial)
    os.replace(partial, args.dst)  # never a half-written checkpoint
    print(f'{args.src} -> {args.dst}: {len(converted)} tensors '
          f'({dataset}, {len(classes)} classes, config {config})')


if __name__ == '__main__':
    main()
