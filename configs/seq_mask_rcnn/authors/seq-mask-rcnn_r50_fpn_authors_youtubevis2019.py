# The authors' released R50 YouTube-VIS 2019 model, run as their evaluation run
# (their model zoo: AP 40.8 / AR10 49.9), after
# tools/model_converters/proposereduce_to_mmpr.py THEIR.pth
# checkpoints/seq-mask-rcnn_r50_fpn_authors_youtubevis2019.pth (README, "Using
# the authors' models"). The architecture and data of the paper config; the
# inference and old-mmdet conventions of their code.
_base_ = [
    '../seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019.py',
    '../../_base_/models/seq-mask-rcnn_authors.py'
]

model = dict(_base_.authors_youtube_vis)
