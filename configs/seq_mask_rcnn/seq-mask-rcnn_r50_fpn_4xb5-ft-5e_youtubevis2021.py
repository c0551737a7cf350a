# Seq Mask R-CNN R50, fine-tuning stage on YouTube-VIS 2021: the 2019 config
# with the 2021 data, from the checkpoint of
# seq-mask-rcnn_r50_fpn_4xb5-main-4e_youtubevis2021-coco.py (--cfg-options
# load_from=work_dirs/<that config>/epoch_4.pth).
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019.py',
    '../_base_/datasets/youtube_vis_2021.py'
]

train_dataloader = dict(dataset=_base_.youtube_vis_2021_train)
test_dataloader = dict(dataset=_base_.youtube_vis_2021_test)
