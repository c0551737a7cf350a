import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmpr.registry import MODELS

R50_CONFIG = ('configs/seq_mask_rcnn/'
              'seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019.py')
C = 40  # YouTube-VIS classes


def resblock(name, cin, cout, stride_or_width_change):
    keys = {
        f'{name}.conv1.weight': (cout, cin, 3, 3),
        f'{name}.conv1.bias': (cout, ),
        f'{name}.conv2.weight': (cout, cout, 3, 3),
        f'{name}.conv2.bias': (cout, ),
    }
    if stride_or_width_change:
        keys[f'{name}.downsample.weight'] = (cout, cin, 3, 3)
        keys[f'{name}.downsample.bias'] = (cout, )
    return keys


def authors_prop_head():
    """Every key and shape of the authors' R50 prop head (their names)."""
    keys = {
        'enc_pos.weight': (256, 1, 7, 7),
        'enc_pos.bias': (256, ),
        'atn_key.weight': (64, 512, 1, 1),
        'atn_key.bias': (64, ),
        'atn_value.weight': (256, 512, 1, 1),
        'atn_value.bias': (256, ),
        'qry_atn_key.weight': (64, 512, 1, 1),
        'qry_atn_key.bias': (64, ),
        'qry_atn_value.weight': (256, 512, 1, 1),
        'qry_atn_value.bias': (256, ),
        'convFM.weight': (256, 512, 3, 3),
        'convFM.bias': (256, ),
        'pred2.weight': (2, 256, 3, 3),
        'pred2.bias': (2, ),
        'RF3.convFS.weight': (256, 512, 3, 3),
        'RF3.convFS.bias': (256, ),
        'RF2.convFS.weight': (256, 256, 3, 3),
        'RF2.convFS.bias': (256, ),
        # never used by their forward (copied from FCNMaskHead)
        'upsample.weight': (256, 256, 2, 2),
        'upsample.bias': (256, ),
        'conv_logits.weight': (C + 1, 256, 1, 1),
        'conv_logits.bias': (C + 1, ),
    }
    for i in range(4):
        keys[f'convs.{i}.conv.weight'] = (256, 256, 3, 3)
        keys[f'convs.{i}.conv.bias'] = (256, )
    for encoder in ('enc_fuse', 'qry_fuse'):
        keys.update(resblock(f'{encoder}.0', 256, 256, True))
        keys.update(resblock(f'{encoder}.1', 256, 512, True))
    keys.update(resblock('ResMM', 256, 256, False))
    for refine in ('RF3', 'RF2'):
        keys.update(resblock(f'{refine}.ResFS', 256, 256, False))
        keys.update(resblock(f'{refine}.ResMM', 256, 256, False))
    return {f'prop_head.{k}': v for k, v in keys.items()}


def authors_checkpoint(mmdet_state):
    """The authors' R50 YouTube-VIS layout with a distinct value per tensor.

    Backbone, FPN and RPN keys are mmdet's own; the RoI heads sit at the
    top level with the background first on the class axis.
    """
    shapes = {
        k: tuple(v.shape)
        for k, v in mmdet_state.items()
        if k.startswith(('backbone.', 'neck.', 'rpn_head.'))
        and not k.endswith('num_batches_tracked')  # old torch: none
    }
    for k, v in mmdet_state.items():
        if k.startswith('roi_head.'):
            shapes[k[len('roi_head.'):]] = tuple(v.shape)
    shapes['bbox_head.fc_cls.weight'] = (C + 1, 1024)
    shapes['bbox_head.fc_cls.bias'] = (C + 1, )
    shapes['bbox_head.fc_reg.weight'] = (4 * (C + 1), 1024)
    shapes['bbox_head.fc_reg.bias'] = (4 * (C + 1), )
    shapes['mask_head.conv_logits.weight'] = (C + 1, 256, 1, 1)
    shapes['mask_head.conv_logits.bias'] = (C + 1, )
    shapes.update(authors_prop_head())
    generator = torch.Generator().manual_seed(0)
    return {
        k: torch.randn(shape, generator=generator) + i
        for i, (k, shape) in enumerate(sorted(shapes.items()))
    }


@pytest.fixture(scope='module')
def converter(load_tool):
    return load_tool('model_converters/proposereduce_to_mmpr.py')


@pytest.fixture(scope='module')
def r50_state(repo_root):
    cfg = Config.fromfile(osp.join(repo_root, R50_CONFIG))
    cfg.model.backbone.init_cfg = None
    with DefaultScope.overwrite_default_scope('mmpr'):
        return MODELS.build(cfg.model).state_dict()


def test_every_tensor_lands_where_it_belongs(converter, r50_state):
    source = authors_checkpoint(r50_state)
    converted = converter.convert(source, r50_state)
    assert converted.keys() == r50_state.keys()
    used = set()
    for theirs, value in source.items():
        ours = converter.rename(theirs)
        if ours is None:
            assert theirs.split('.')[1] in ('convs', 'upsample', 'conv_logits')
            continue
        used.add(ours)
        if 'fc_cls' in ours or 'fc_reg' in ours or 'conv_logits' in ours:
            continue  # the class axis, below
        assert torch.equal(converted[ours], value), (theirs, ours)
    # every mmpr key came from a source tensor, but the BN counters
    assert {k
            for k in r50_state if k not in used
            } == {k
                  for k in r50_state if k.endswith('num_batches_tracked')}
    # a few names, as the authors' README lists them
    assert torch.equal(converted['prop_head.memory_encoder.1.shortcut.weight'],
                       source['prop_head.enc_fuse.1.downsample.weight'])
    assert torch.equal(converted['prop_head.refine2.merge_block.conv2.bias'],
                       source['prop_head.RF2.ResMM.conv2.bias'])
    assert torch.equal(converted['roi_head.bbox_head.shared_fcs.1.weight'],
                       source['bbox_head.shared_fcs.1.weight'])


def test_class_axis_gives_the_same_probabilities_and_masks(
        converter, r50_state):
    source = authors_checkpoint(r50_state)
    # well-conditioned class axes (the distinct offsets saturate a softmax)
    generator = torch.Generator().manual_seed(1)
    for key in ('bbox_head.fc_cls.weight', 'bbox_head.fc_cls.bias',
                'bbox_head.fc_reg.weight', 'bbox_head.fc_reg.bias',
                'mask_head.conv_logits.weight', 'mask_head.conv_logits.bias'):
        source[key] = 0.05 * torch.randn(
            source[key].shape, generator=generator)
    converted = converter.convert(source, r50_state)
    features = torch.randn(5, 1024)
    old = torch.softmax(features @ source['bbox_head.fc_cls.weight'].T +
                        source['bbox_head.fc_cls.bias'], 1)  # background first
    new = torch.softmax(
        features @ converted['roi_head.bbox_head.fc_cls.weight'].T +
        converted['roi_head.bbox_head.fc_cls.bias'], 1)  # background last
    torch.testing.assert_close(new[:, :C], old[:, 1:])
    torch.testing.assert_close(new[:, C], old[:, 0])
    old_deltas = (features @ source['bbox_head.fc_reg.weight'].T +
                  source['bbox_head.fc_reg.bias']).view(5, C + 1, 4)
    new_deltas = (features @ converted['roi_head.bbox_head.fc_reg.weight'].T +
                  converted['roi_head.bbox_head.fc_reg.bias']).view(5, C, 4)
    torch.testing.assert_close(new_deltas, old_deltas[:, 1:])
    mask_features = torch.randn(2, 256, 28, 28)
    old_masks = torch.nn.functional.conv2d(
        mask_features, source['mask_head.conv_logits.weight'],
        source['mask_head.conv_logits.bias'])
    new_masks = torch.nn.functional.conv2d(
        mask_features, converted['roi_head.mask_head.conv_logits.weight'],
        converted['roi_head.mask_head.conv_logits.bias'])
    torch.testing.assert_close(new_masks, old_masks[:, 1:])


def test_wrong_checkpoints_name_the_key(converter, r50_state):
    source = authors_checkpoint(r50_state)
    missing = dict(source)
    del missing['prop_head.pred2.weight']
    with pytest.raises(
            converter.ConversionError,
            match='prop_head.predictor.weight: no key'):
        converter.convert(missing, r50_state)
    extra = dict(source, **{'prop_head.attention.weight': torch.zeros(1)})
    with pytest.raises(
            converter.ConversionError,
            match='prop_head.attention.weight: not a layer'):
        converter.convert(extra, r50_state)
    davis = dict(source)
    davis['bbox_head.fc_cls.weight'] = torch.zeros(2, 1024)
    with pytest.raises(
            converter.ConversionError,
            match=r'fc_cls.weight: shape \(2, 1024\), the mmpr model needs '):
        converter.convert(davis, r50_state)


def test_cli_writes_a_loadable_checkpoint_and_one_line_errors(
        repo_root, r50_state, tmp_path):
    src, dst = tmp_path / 'theirs.pth', tmp_path / 'out' / 'mmpr.pth'
    torch.save(dict(state_dict=authors_checkpoint(r50_state)), src)
    tool = osp.join(repo_root, 'tools', 'model_converters',
                    'proposereduce_to_mmpr.py')
    done = subprocess.run([sys.executable, tool,
                           str(src), str(dst)],
                          capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    checkpoint = torch.load(dst, weights_only=False)
    assert checkpoint['meta']['dataset_meta']['classes'][0] == 'person'
    assert len(checkpoint['meta']['dataset_meta']['classes']) == C
    assert checkpoint['state_dict'].keys() == r50_state.keys()
    not_a_checkpoint = tmp_path / 'results.json'
    not_a_checkpoint.write_text('[]')
    for bad, message in ((not_a_checkpoint, 'not a PyTorch checkpoint'),
                         (tmp_path / 'missing.pth', 'no such file')):
        done = subprocess.run(
            [sys.executable, tool,
             str(bad), str(tmp_path / 'x.pth')],
            capture_output=True,
            text=True)
        assert done.returncode != 0
        assert message in done.stderr
        assert 'Traceback' not in done.stderr
        assert len(done.stderr.strip().splitlines()[-1]) > 0
    assert not (tmp_path / 'x.pth').exists()
