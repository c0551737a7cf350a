# Main-training stage (paper Sec. 4.2, supplement D): 4 epochs of SGD from lr
# 5e-3, divided by 10 at the 3rd and at the 4th epoch. The authors never
# released this stage's code or settings beyond the paper; momentum, weight
# decay, gradient clipping and warm-up follow their fine-tuning configs and
# mmdet's Mask R-CNN.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=4)

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=5e-3, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(
        type='MultiStepLR',
        begin=0,
        end=4,
        by_epoch=True,
        milestones=[2, 3],
        gamma=0.1)
]
# lr 5e-3 is for the authors' batch; --auto-scale-lr rescales it
auto_scale_lr = dict(enable=False, base_batch_size=20)
