# Seq Mask R-CNN R50 for YouTube-VIS 2022: the 2021 fine-tuning config
# (2022 keeps the 2021 classes and train set, so it trains the same model and
# a 2021 checkpoint tests here as it is), tested on the 2022 valid set with
# the memory bounded for its long videos (max_memory=8: the paper's memory on
# videos of up to 36 frames, see _base_/models/seq-mask-rcnn_r50_fpn_ovis.py):
#   python tools/test.py this config \
#       work_dirs/seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2021/epoch_5.pth
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2021.py',
    '../_base_/datasets/youtube_vis_2022.py'
]

model = dict(propagator=dict(max_memory=8))
test_dataloader = dict(dataset=_base_.youtube_vis_2022_test)
test_evaluator = _base_.youtube_vis_2022_evaluator
