# The `make demo` model: the 400-iteration toy model of half width, made
# cheaper per iteration and trained for 300 iterations, so that the demo's
# training takes ~3.5 min on 2 CPU cores (measured: docs/benchmarks.md,
# section 5):
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-300i_toy-vis.py
# Scored on the same toy valid split as the other toy configs.
_base_ = './seq-mask-rcnn_r18-w32_fpn_1xb2-400i_toy-vis.py'

max_iters = 300
model = dict(
    roi_head=dict(
        # RoIAlign with 2x2 samples per bin (the authors' sample_num 2)
        # instead of an adaptive count: 1.2x faster CPU steps
        bbox_roi_extractor=dict(roi_layer=dict(sampling_ratio=2)),
        mask_roi_extractor=dict(roi_layer=dict(sampling_ratio=2)),
        # two convolutions in the mask head instead of four (the toy shapes
        # are simple): 1.15x faster steps late in training
        mask_head=dict(num_convs=2)),
    # 64 RoIs per image (the toy frames hold at most 4 objects)
    train_cfg=dict(rcnn=dict(sampler=dict(num=64))))

# on a CPU, dataloader workers take cycles from the training threads
# (measured on 2 cores: 0.74 s/iter with 2 workers, 0.63 s/iter without)
train_dataloader = dict(num_workers=0, persistent_workers=False)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
# the 400-iteration warm-up (50 iterations), then its cosine decay over
# the rest of 300 iterations
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_iters, T_max=max_iters - 50)
]
default_hooks = dict(checkpoint=dict(interval=max_iters))
