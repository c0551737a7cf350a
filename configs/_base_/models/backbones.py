# The backbones of the released R101 and X101-64x4d models, as overrides of
# the R50 model's backbone: model = dict(backbone=_base_.resnet101)
resnet101 = dict(
    depth=101,
    init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet101'))
resnext101_64x4d = dict(
    type='ResNeXt',
    depth=101,
    groups=64,
    base_width=4,
    init_cfg=dict(
        type='Pretrained', checkpoint='open-mmlab://resnext101_64x4d'))
