import os.path as osp
import subprocess
import sys

# Mask R-CNN (ResNet-18, no pretrained weights) on the toy COCO images: a
# real mmdet model trained by tools/train.py in a few seconds on the CPU.
TOY_MASK_RCNN_CONFIG = """
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    '{repo}/configs/_base_/default_runtime.py',
]
classes = ('disc', 'square', 'triangle', 'star')
model = dict(
    backbone=dict(depth=18, init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512]),
    roi_head=dict(
        bbox_head=dict(num_classes=4), mask_head=dict(num_classes=4)))
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='CocoDataset',
        data_root='{coco_root}',
        metainfo=dict(classes=classes),
        ann_file='annotations/instances_train2017.json',
        data_prefix=dict(img='train2017/'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(type='Resize', scale=(192, 112), keep_ratio=True),
            dict(type='PackDetInputs'),
        ]))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=2)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval=2, by_epoch=False))
log_processor = dict(by_epoch=False)
"""


def run_train(repo_root: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable,
         osp.join(repo_root, 'tools', 'train.py'), *args],
        capture_output=True,
        text=True,
        cwd=repo_root)


def test_train_saves_and_resumes(repo_root, toy_root, tmp_path):
    config = tmp_path / 'mask-rcnn_r18_fpn_toy-coco.py'
    config.write_text(
        TOY_MASK_RCNN_CONFIG.format(
            repo=repo_root, coco_root=osp.join(toy_root, 'coco')))
    work_dir = str(tmp_path / 'work')
    first = run_train(repo_root, str(config), '--work-dir', work_dir)
    assert first.returncode == 0, first.stderr[-3000:]
    assert osp.isfile(osp.join(work_dir, 'iter_2.pth'))

    second = run_train(repo_root, str(config), '--work-dir', work_dir,
                       '--resume', '--cfg-options', 'train_cfg.max_iters=3',
                       'default_hooks.checkpoint.interval=1')
    assert second.returncode == 0, second.stderr[-3000:]
    log = second.stdout + second.stderr
    assert 'resumed epoch: 0, iter: 2' in log
    assert osp.isfile(osp.join(work_dir, 'iter_3.pth'))


def test_train_names_a_missing_config(repo_root, tmp_path):
    result = run_train(repo_root, str(tmp_path / 'no_such_config.py'))
    assert result.returncode != 0
    assert 'no_such_config.py does not exist' in result.stderr
