# The half-width toy model made cheaper per iteration (the `make demo` model;
# measured: docs/changelog.md, the demo recipe)
_base_ = './seq-mask-rcnn_r18-w32_fpn_toy.py'

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
