# The toy Seq Mask R-CNN at half the ResNet-18 width (the `make demo` model
# before the 300-iteration config, which inherits it), trained for 400
# iterations (a third of the toy config's, at 0.4x its cost
# per iteration), with the settings that let a model learn from scratch in
# minutes (measured: docs/benchmarks.md, section 5):
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-400i_toy-vis.py
# Scored on the same toy valid split as the other toy configs.
_base_ = './seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'

max_iters = 400
model = dict(
    # half the widths of ResNet-18 (32 base channels); FPN and heads as the
    # toy config, the propagation head at half its widths
    backbone=dict(base_channels=32),
    neck=dict(in_channels=[32, 64, 128, 256]),
    prop_head=dict(
        skip_channels=(32, 64),
        memory_channels=64,
        value_channels=32,
        decoder_channels=32,
        # memory keys from the image alone (as STCN): a memory key and a
        # query key of the same content match from the first iteration, so
        # propagation is learnt in ~100 iterations instead of ~1000
        key_from_image=True),
    # K = 4: the toy ablation's best (docs/benchmarks.md, section 4)
    propagator=dict(num_key_frames=4))

# guidance frames at most 3 frames from the query: the short-range pairs
# that inference propagates over (the memory holds recent frames), easy
# enough to learn identity from early on
video_train_pipeline = [
    dict(type='GuidanceFrameSample', frame_range=3),
    *_base_.video_train_pipeline[1:]
]
train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(
            _base_.train_dataloader.dataset.datasets[1],
            pipeline=video_train_pipeline)
    ]))

train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
# a higher lr, annealed: the detector learns at 1e-3, the propagation as the
# lr falls
optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(
        type='CosineAnnealingLR',
        by_epoch=False,
        begin=50,
        end=max_iters,
        T_max=max_iters - 50,
        eta_min=1e-5)
]
default_hooks = dict(checkpoint=dict(interval=max_iters))
