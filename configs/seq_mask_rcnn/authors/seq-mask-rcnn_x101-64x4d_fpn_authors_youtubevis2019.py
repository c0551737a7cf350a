# The authors' released X101-64x4d YouTube-VIS 2019 model, run as their
# evaluation run (their model zoo: AP 47.6 / AR10 56.7), after
# tools/model_converters/proposereduce_to_mmpr.py THEIR.pth
# checkpoints/seq-mask-rcnn_x101-64x4d_fpn_authors_youtubevis2019.pth (README,
# "Using the authors' models"). The architecture and data of the paper config;
# the inference and old-mmdet conventions of their code.
_base_ = [
    '../seq-mask-rcnn_x101-64x4d_fpn_4xb2-ft-5e_youtubevis2019.py',
    '../../_base_/models/seq-mask-rcnn_authors.py'
]

model = dict(_base_.authors_youtube_vis)
