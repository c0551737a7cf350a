# The authors' released X101-64x4d DAVIS-UVOS model, run as their evaluation
# run (their model zoo: J&F 70.6 / J 67.2 / F 73.9), after
# tools/model_converters/proposereduce_to_mmpr.py THEIR.pth
# checkpoints/seq-mask-rcnn_x101-64x4d_fpn_authors_davis-uvos.pth --dataset
# davis (README, "Using the authors' models"). The architecture and data of the
# paper config; the inference and old-mmdet conventions of their code.
_base_ = [
    '../seq-mask-rcnn_x101-64x4d_fpn_4xb1-ft-5e_davis-uvos.py',
    '../../_base_/models/seq-mask-rcnn_authors.py'
]

model = dict(_base_.authors_davis)
