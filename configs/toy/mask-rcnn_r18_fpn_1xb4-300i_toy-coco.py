# Mask R-CNN of the toy model's shape on the toy COCO images: the toy
# counterpart of the COCO-trained Mask R-CNN that the paper starts from
# (supplement D). The toy Seq Mask R-CNN configs load its last checkpoint.
#   python tools/train.py configs/toy/mask-rcnn_r18_fpn_1xb4-300i_toy-coco.py
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    '../_base_/default_runtime.py',
]

# the widths of configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py
model = dict(
    backbone=dict(depth=18, frozen_stages=-1, norm_eval=False, init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=3),
        mask_roi_extractor=dict(out_channels=64),
        mask_head=dict(in_channels=64, conv_out_channels=64, num_classes=3)),
    train_cfg=dict(rcnn=dict(sampler=dict(num=128))))

train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(
        type='CocoDataset',
        data_root='{{$MMPR_TOY_DATA:data/toy}}/coco/',
        # the video classes; the COCO-only `star` is left out
        metainfo=dict(classes=('disc', 'square', 'triangle')),
        ann_file='annotations/instances_train2017.json',
        data_prefix=dict(img='train2017/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=32),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(type='Resize', scale=(320, 192), keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
            dict(type='PackDetInputs'),
        ]))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300)
val_cfg = None
val_dataloader = None
val_evaluator = None
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50)
]
default_hooks = dict(
    logger=dict(interval=20), checkpoint=dict(by_epoch=False, interval=300))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
