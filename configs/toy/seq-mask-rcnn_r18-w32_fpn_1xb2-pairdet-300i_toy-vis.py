# The 300-iteration toy model with the Mask R-CNN losses on both frames of
# every pair, for features the step computes anyway, at the RoI budget per
# step of the query-only recipe (32 RoIs per frame, 64 per pair); `make
# demo` trains it for 1000 iterations (..._1xb2-pairdet-1000i_toy-vis.py).
# The toy model's limit is its detector (docs/changelog.md, the demo
# recipe): the detector sees twice the frames per step (AP 20.5 to 28.7 over
# four runs, mean 25.7; the query-only config: 20.8 to 32.6 over five):
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-pairdet-300i_toy-vis.py
# With --cfg-options model.train_cfg.rcnn.sampler.num=64 (64 RoIs per
# frame): AP 26.3 to 33.0 over five runs, for 1.3x the step time.
# Scored on the same toy valid split as the other toy configs.
_base_ = './seq-mask-rcnn_r18-w32_fpn_1xb2-300i_toy-vis.py'

model = dict(
    # the authors' code trains the detector on the query frames only
    train_cfg=dict(
        detect_guidance_frames=True, rcnn=dict(sampler=dict(num=32))))
