# A CPU-sized Seq Mask R-CNN on the synthetic toy set: ResNet-18, narrow FPN
# and heads, no pretrained weights (none can be downloaded on CI machines),
# trained from scratch on the mix of the main-training stage (COCO-style
# images as pseudo videos + the video set). `make demo` trains it in about
# 12 minutes on 2 CPU cores:
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py
# The paper starts from a COCO Mask R-CNN; from scratch, within minutes, the
# propagation head only learns instance identity with the settings marked
# "from scratch" below (measured: docs/benchmarks.md, toy training).
_base_ = [
    '../_base_/models/seq-mask-rcnn_r50_fpn.py',
    '../_base_/datasets/toy_vis.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(
        depth=18,
        frozen_stages=-1,  # random weights: train every stage
        norm_eval=False,
        init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=3),
        mask_roi_extractor=dict(out_channels=64),
        mask_head=dict(in_channels=64, conv_out_channels=64, num_classes=3)),
    prop_head=dict(
        type='ScratchSeqPropHead',  # what training from scratch needs
        in_channels=64,
        skip_channels=(64, 128),
        memory_channels=128,
        key_channels=32,
        value_channels=64,
        decoder_channels=64,
        # from scratch: start every pixel at a low foreground probability,
        prior_prob=0.01,
        # give memory reads a direct signal (the mask in the values), match
        # keys by cosine similarity (sharp attention at initialisation) and
        # start the query encoder as a copy of the memory encoder
        value_with_mask=True,
        affinity='cosine',
        init_query_from_memory=True),
    # from scratch: propagate ground-truth guidance masks (the paper uses
    # the mask head's estimates, which are noise for the first iterations)
    train_cfg=dict(prop=dict(guidance='ground_truth')))

train_cfg = dict(type='IterBasedTrainLoop', max_iters=1200, val_interval=1200)
val_cfg = None
val_dataloader = None
val_evaluator = None
# from scratch: AdamW (SGD leaves the propagation at the "every instance is
# every object" plateau for hundreds of iterations)
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4e-4, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=1200,
        # from scratch: instance identity is learnt only once the lr drops
        # (at 4e-4 the propagation stays at loss_prop ~0.83 for 1000 iters)
        milestones=[300, 1000],
        gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=2)  # 1 process x 2 pairs
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(by_epoch=False, interval=400))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
