# The toy Seq Mask R-CNN at half the ResNet-18 width, with what lets it learn
# propagation from scratch in ~100 iterations (measured: docs/changelog.md,
# the demo recipe)
_base_ = './seq-mask-rcnn_r18_fpn_toy.py'

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
