# Seq Mask R-CNN R50, fine-tuning stage on YouTube-VIS 2019 (paper Sec. 4.2),
# from the checkpoint of the main-training stage:
#   python tools/train.py this config --cfg-options \
#       load_from=work_dirs/seq-mask-rcnn_r50_fpn_4xb5-main-4e_youtubevis2019-coco/epoch_4.pth  # noqa: E501
_base_ = './seq-mask-rcnn_r50_fpn_4xb5-main-4e_youtubevis2019-coco.py'

# YouTube-VIS pairs only, 5 epochs at a fixed lr of 5e-5 (paper Sec. 4.2,
# supplement D; the authors' configs: lr 3.33e-5, / 10 after epoch 2 of 4)
# (the inherited ConcatTrackImgSampler is TrackImgSampler on one dataset)
train_dataloader = dict(dataset=dict(_base_.train_dataset, _delete_=True))
train_cfg = dict(max_epochs=5)
optim_wrapper = dict(optimizer=dict(lr=5e-5))
# the paper gives only the fixed lr; the authors' warm-up: linear over 10
# iterations from a third of it
param_scheduler = [
    dict(
        type='LinearLR', start_factor=1.0 / 3, by_epoch=False, begin=0, end=10)
]
load_from = None  # the main-training checkpoint: --cfg-options load_from=...
