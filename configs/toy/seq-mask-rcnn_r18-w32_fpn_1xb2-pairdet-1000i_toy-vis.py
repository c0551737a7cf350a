# The `make demo` model: the toy model with the Mask R-CNN losses on both
# frames of every pair (seq-mask-rcnn_r18-w32_fpn_1xb2-pairdet-300i_toy-vis.py)
# trained for 1000 iterations, long enough to learn the three shapes' names
# and not only their masks (toy valid AP 56.0 against 26.4 at 300 iterations
# and 49.9 at 900; measured: docs/benchmarks.md, section 5). About 6.5 min
# of training on 2 CPU cores in bf16 (AMD EPYC with AVX-512 bf16):
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
#   python tools/train.py --amp \
#       configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-pairdet-1000i_toy-vis.py
_base_ = './seq-mask-rcnn_r18-w32_fpn_1xb2-pairdet-300i_toy-vis.py'

max_iters = 1000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
# the same warm-up, then the cosine decay over the rest of the iterations
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_iters, T_max=max_iters - 50)
]
default_hooks = dict(checkpoint=dict(interval=max_iters))
# key-frame detections from a score of 0.05 start sequences (0.2 in the
# paper's configs): the toy classifier's scores are low (+0.6 AP at 900
# iterations)
model = dict(test_cfg=dict(rcnn=dict(score_thr=0.05)))
