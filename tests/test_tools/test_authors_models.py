"""The authors' configs with checkpoints in the authors' layout.

Every config builds and loads a checkpoint converted from their layout
strictly (seconds per config: X101's groups and R101's depth are checked
here); ``tools/test.py`` then runs once per distinct code path (YouTube-VIS,
the category-aware reduction, DAVIS-UVOS's soft NMS and J&F) on 2 videos of
3 frames at 64x64 (resized to 48x48), and so do the paper configs of the
same models with those checkpoints.
"""
import glob
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Tuple

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmpr.registry import MODELS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
AUTHORS_DIR = osp.join(REPO_ROOT, 'configs', 'seq_mask_rcnn', 'authors')
AUTHORS = sorted(glob.glob(osp.join(AUTHORS_DIR, '*.py')))
# one config per code path of tools/test.py; the R50 checkpoint is converted
# by the converter's command line
YOUTUBE_VIS = osp.join(AUTHORS_DIR,
                       'seq-mask-rcnn_r50_fpn_authors_youtubevis2019.py')
CATEGORY_AWARE = osp.join(
    AUTHORS_DIR, 'seq-mask-rcnn_r50_fpn_authors-ca_youtubevis2019.py')
# the authors released no R50 DAVIS model: their R101 one, on 3 tiny frames
DAVIS = osp.join(AUTHORS_DIR, 'seq-mask-rcnn_r101_fpn_authors_davis-uvos.py')
# the paper configs of the same models (mmdet 3's conventions, mmpr's
# choices) load the same converted checkpoints
PAPER_DIR = osp.dirname(AUTHORS_DIR)
PAPER_YOUTUBE_VIS = osp.join(
    PAPER_DIR, 'seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019.py')
PAPER_DAVIS = osp.join(PAPER_DIR,
                       'seq-mask-rcnn_r101_fpn_4xb2-ft-5e_davis-uvos.py')
FRAME_SIZE = (64, 64)  # W, H


def to_authors_layout(state: Dict[str, torch.Tensor],
                      converter) -> Dict[str, torch.Tensor]:
    """An mmpr state dict in the layout of the authors' checkpoints (the
    inverse of the converter, written from their key names)."""
    inverse = {ours: theirs for theirs, ours in converter.PROP_HEAD_LAYERS}
    out = {}
    for key, value in state.items():
        if key.endswith('num_batches_tracked'):
            continue  # old torch wrote none
        if key.startswith('roi_head.'):
            key = key[len('roi_head.'):]
            if key.startswith('bbox_head.fc_cls.'):  # background first
                value = torch.cat([value[-1:], value[:-1]])
            elif key.startswith('bbox_head.fc_reg.'):  # 4 background rows
                value = torch.cat([value[:4] * 0, value])
            elif key.startswith('mask_head.conv_logits.'):  # and channel
                value = torch.cat([value[:1] * 0, value])
        elif key.startswith('prop_head.'):
            name = key[len('prop_head.'):].replace('.shortcut.',
                                                   '.downsample.')
            layer = max((ours for ours in inverse
                         if name == ours or name.startswith(ours + '.')),
                        key=len)
            key = 'prop_head.' + inverse[layer] + name[len(layer):]
        out[key] = value
    # the prop head's dead layers
    out['prop_head.conv_logits.weight'] = torch.zeros(
        out['bbox_head.fc_cls.weight'].shape[0], 256, 1, 1)
    out['prop_head.upsample.weight'] = torch.zeros(256, 256, 2, 2)
    return out


def architecture(cfg: Config) -> Tuple[str, int, int]:
    """(backbone type, depth, classes): configs that share it share keys."""
    return (cfg.model.backbone.get('type', 'ResNet'), cfg.model.backbone.depth,
            cfg.model.roi_head.bbox_head.num_classes)


def build_model(config: str) -> torch.nn.Module:
    cfg = Config.fromfile(config)
    cfg.model.backbone.init_cfg = None
    with DefaultScope.overwrite_default_scope('mmpr'):
        return MODELS.build(cfg.model)


@pytest.fixture(scope='module')
def converter(load_tool):
    return load_tool('model_converters/proposereduce_to_mmpr.py')


@pytest.fixture(scope='module')
def authors_states(converter) -> Dict[tuple, tuple]:
    """Per architecture: a seeded mmpr state dict and the same weights in
    the authors' layout (models built once, then freed)."""
    states = {}
    for config in AUTHORS:
        arch = architecture(Config.fromfile(config))
        if arch not in states:
            torch.manual_seed(0)
            state = build_model(config).state_dict()
            states[arch] = (state, to_authors_layout(state, converter))
    return states


@pytest.mark.parametrize('config', AUTHORS, ids=osp.basename)
def test_authors_config_loads_converted_checkpoint_strictly(
        config, converter, authors_states):
    """The converter fills every key of the config's model from a checkpoint
    in the authors' layout; strict loading finds nothing missing,
    unexpected or of another shape; every tensor comes back."""
    model = build_model(config)
    arch = architecture(Config.fromfile(config))
    state, theirs = authors_states[arch]
    # the backbone the converter reads off their keys picks its config
    assert converter.detect_backbone(theirs) == (
        'x101-64x4d' if arch[0] == 'ResNeXt' else f'r{arch[1]}')
    converted = converter.convert(theirs, model.state_dict())
    # strict: missing or unexpected keys and other shapes raise
    result = model.load_state_dict(converted, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    for key, value in model.state_dict().items():
        if not key.endswith('num_batches_tracked'):
            assert torch.equal(value, state[key]), key


def test_strict_load_refuses_a_checkpoint_of_another_backbone(
        converter, authors_states):
    """What the strict test would catch: R101 weights into the X101 config
    (the groups change the shapes) and R50 weights into R101 (the depth
    leaves keys missing)."""
    by_type = {arch: theirs for arch, (_, theirs) in authors_states.items()}
    x101 = build_model(
        osp.join(AUTHORS_DIR,
                 'seq-mask-rcnn_x101-64x4d_fpn_authors_youtubevis2019.py'))
    with pytest.raises(converter.ConversionError, match='shape'):
        converter.convert(by_type[('ResNet', 101, 40)], x101.state_dict())
    r101 = build_model(
        osp.join(AUTHORS_DIR,
                 'seq-mask-rcnn_r101_fpn_authors_youtubevis2019.py'))
    with pytest.raises(converter.ConversionError, match='no key'):
        converter.convert(by_type[('ResNet', 50, 40)], r101.state_dict())


@pytest.fixture(scope='module')
def authors_toy_root(tmp_path_factory, load_tool) -> str:
    """2 valid videos of 3 frames at 64x64 (YouTube-VIS 2019 and DAVIS
    layouts), prepared as a user would."""
    from mmpr.datasets.toy_vis import make_toy_vis
    root = str(tmp_path_factory.mktemp('authors_toy'))
    make_toy_vis(
        root,
        preset='tiny',
        seed=0,
        overrides=dict(
            train_videos=1,
            valid_videos=2,
            frames=(3, 3),
            frame_size=FRAME_SIZE))
    converter = load_tool('dataset_converters/youtubevis2coco.py')
    vis_root = osp.join(root, 'youtube_vis_2019')
    converter.convert_split(converter.load_mmdet_converter(),
                            osp.join(vis_root, 'valid.json'),
                            osp.join(vis_root, 'annotations'), '2019', 'valid')
    return root


def convert_by_command_line(theirs: dict, root, *args: str) -> str:
    """The mmpr checkpoint that the converter's command line writes."""
    src, dst = root / 'theirs.pth', root / 'mmpr.pth'
    torch.save(dict(state_dict=theirs), src)
    done = subprocess.run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'model_converters',
                 'proposereduce_to_mmpr.py'),
        str(src),
        str(dst), *args
    ],
                          capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return str(dst)


@pytest.fixture(scope='module')
def authors_checkpoints(authors_states, tmp_path_factory) -> Dict[str, str]:
    """The converted R50 YouTube-VIS and R101 DAVIS checkpoints."""
    root = tmp_path_factory.mktemp('authors_checkpoints')
    (root / 'vis').mkdir()
    (root / 'davis').mkdir()
    return dict(
        youtube_vis=convert_by_command_line(
            authors_states[('ResNet', 50, 40)][1], root / 'vis'),
        davis=convert_by_command_line(authors_states[('ResNet', 101, 1)][1],
                                      root / 'davis', '--dataset', 'davis'))


def cfg_options_for(config: str, toy_root: str) -> List[str]:
    """``--cfg-options`` of a tools/test.py run on the 64x64 toy set."""
    # 48x48 inputs, padded to 64x64: the padding, the crop and the resize
    # to the original size are exercised
    resize = 'test_dataloader.dataset.pipeline.0.transforms.1.scale=(48,48)'
    common = [
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False', resize
    ]
    if 'davis' in config:
        return common + [f'test_dataloader.dataset.data_root={toy_root}/DAVIS']
    return common + [
        f'test_dataloader.dataset.data_root={toy_root}/youtube_vis_2019',
        # the toy classes (the model's 40 stay; its records of other
        # classes find no ground truth)
        'test_dataloader.dataset.metainfo.classes=[disc,square,triangle]',
        'test_dataloader.dataset.ann_file='
        'annotations/youtube_vis_2019_valid.json',
        'test_evaluator.format_only=False',
        # untrained: every detection of the 40 classes scores ~1/41
        'model.test_cfg.rcnn.score_thr=0.0',
    ]


@pytest.mark.parametrize(
    'config,checkpoint,metrics',
    [(YOUTUBE_VIS, 'youtube_vis',
      ('youtube_vis/segm_mAP', 'youtube_vis/segm_AR@10')),
     (CATEGORY_AWARE, 'youtube_vis',
      ('youtube_vis/segm_mAP', 'youtube_vis/segm_AR@10')),
     (DAVIS, 'davis', ('davis_uvos/J&F', 'davis_uvos/J', 'davis_uvos/F')),
     (PAPER_YOUTUBE_VIS, 'youtube_vis',
      ('youtube_vis/segm_mAP', 'youtube_vis/segm_AR@10')),
     (PAPER_DAVIS, 'davis',
      ('davis_uvos/J&F', 'davis_uvos/J', 'davis_uvos/F'))],
    ids=[
        'youtube_vis', 'category_aware', 'davis', 'paper_youtube_vis',
        'paper_davis'
    ])
def test_authors_and_paper_configs_end_to_end(config, checkpoint, metrics,
                                              authors_checkpoints,
                                              authors_toy_root, tmp_path):
    """tools/test.py with each path's config as it is (key frames, memory,
    reducer), but the data and the input size; the paper configs of the
    same models too."""
    done = subprocess.run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'test.py'), config,
        authors_checkpoints[checkpoint], '--work-dir',
        str(tmp_path), '--cfg-options',
        *cfg_options_for(config, authors_toy_root)
    ],
                          capture_output=True,
                          text=True,
                          cwd=REPO_ROOT)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    for metric in metrics:
        assert metric in log, log[-3000:]
    assert 'inference time per frame' in log
