# The authors' released R101 DAVIS-UVOS model, run as their evaluation run
# (their model zoo: J&F 68.1 / J 64.9 / F 71.4), after
# tools/model_converters/proposereduce_to_mmpr.py THEIR.pth
# checkpoints/seq-mask-rcnn_r101_fpn_authors_davis-uvos.pth --dataset davis
# (README, "Using the authors' models"). The architecture and data of the paper
# config; the inference and old-mmdet conventions of their code.
_base_ = [
    '../seq-mask-rcnn_r101_fpn_4xb2-ft-5e_davis-uvos.py',
    '../../_base_/models/seq-mask-rcnn_authors.py'
]

model = dict(_base_.authors_davis)
