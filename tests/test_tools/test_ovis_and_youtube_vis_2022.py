"""The OVIS and YouTube-VIS 2022 configs' data and metric settings, end to
end on toy sets in their layouts: prepared with the converter, 2 training
iterations and a test through tools/train.py and tools/test.py, with a tiny
model in place of the configs' ResNet-50 (this runs on a CPU)."""
import json
import os.path as osp
import re

import pytest
from mmengine.config import Config

TOY_MODEL = 'configs/_base_/models/seq-mask-rcnn_r18-w32_fpn_toy-fast.py'
LEAF = 'configs/seq_mask_rcnn/seq-mask-rcnn_r50_fpn_4xb5-ft-5e_{}.py'
LEAVES = {'ovis': LEAF.format('ovis'), '2022': LEAF.format('youtubevis2022')}


def tiny_leaf(leaf: Config, data_root: str) -> Config:
    """The leaf with the toy model (the leaf's classes and propagator: its
    K and memory bound), its data read from ``data_root``, 2 iterations."""
    model = Config.fromfile(TOY_MODEL).model
    num_classes = leaf.model.roi_head.bbox_head.num_classes
    model.roi_head.bbox_head.num_classes = num_classes
    model.roi_head.mask_head.num_classes = num_classes
    model.propagator = leaf.model.propagator
    leaf.model = model
    train, test = leaf.train_dataloader, leaf.test_dataloader
    train.dataset.data_root = test.dataset.data_root = data_root
    # the 2022 leaves train on the 2021 train set; the toy 2022 layout
    # holds a train split of its own
    train.dataset.ann_file = train.dataset.ann_file.replace('2021', '2022')
    # CPU-sized loading: 2 pairs a batch, no worker processes
    leaf.train_dataloader = dict(
        train, batch_size=2, num_workers=0, persistent_workers=False)
    leaf.test_dataloader = dict(test, num_workers=0, persistent_workers=False)
    leaf.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2)
    leaf.default_hooks.checkpoint = dict(
        type='CheckpointHook', by_epoch=False, interval=2)
    leaf.log_processor = dict(by_epoch=False)
    leaf.load_from = None
    return leaf


# about 20 s each: the 2022 set's 40-frame video at the configs' 640x360
# test size, propagated from K = 6 key frames
@pytest.mark.slow  # subprocess training and testing
@pytest.mark.parametrize('version', ['ovis', '2022'])
def test_train_and_test_in_the_layout(version, toy_layout_root, run_tool,
                                      repo_root, tmp_path):
    leaf = Config.fromfile(osp.join(repo_root, LEAVES[version]))
    vis_root = osp.join(
        toy_layout_root(version),
        'ovis' if version == 'ovis' else 'youtube_vis_2022')
    config = str(tmp_path / osp.basename(LEAVES[version]))
    tiny_leaf(leaf, vis_root).dump(config)
    work_dir = str(tmp_path / 'work')
    trained = run_tool('train.py', config, '--work-dir', work_dir)
    assert trained.returncode == 0, trained.stderr[-3000:]
    # the toy valid split is annotated: score it instead of only writing the
    # submission (as for a held-out split of train)
    tested = run_tool('test.py', config, osp.join(work_dir, 'iter_2.pth'),
                      '--work-dir', work_dir, '--cfg-options',
                      'test_evaluator.format_only=False')
    assert tested.returncode == 0, tested.stderr[-3000:]
    log = tested.stdout + tested.stderr
    assert re.search(r'segm_mAP: \d', log), log[-3000:]
    if version == '2022':
        for subset in ('short', 'long'):
            assert re.search(rf'{subset}_videos/segm_mAP: \d', log)
    with open(osp.join(work_dir, 'results.json')) as f:
        records = json.load(f)
    classes = leaf.model.roi_head.bbox_head.num_classes
    assert all(1 <= r['category_id'] <= classes for r in records)
