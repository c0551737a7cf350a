# Seq Mask R-CNN X101-64X4D, fine-tuning stage on YouTube-VIS 2019 (paper
# Sec. 4.2): 5 epochs, 2 pairs per GPU on 4 GPUs, from the checkpoint
# of the main-training stage:
#   seq-mask-rcnn_x101-64x4d_fpn_4xb2-main-4e_youtubevis2019-coco.py
_base_ = [
    '../_base_/models/seq-mask-rcnn_x101-64x4d_fpn.py',
    '../_base_/datasets/youtube_vis_2019.py',
    '../_base_/schedules/finetune_5e.py', '../_base_/default_runtime.py'
]

train_dataloader = dict(batch_size=2)
load_from = 'work_dirs/seq-mask-rcnn_x101-64x4d_fpn_4xb2-main-4e_youtubevis2019-coco/epoch_4.pth'  # noqa: E501
