# The toy configs' schedule: 1200 iterations of AdamW from scratch, lr 4e-4
# divided by 10 at 300 and 1000, one process of 2 pairs.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1200, val_interval=1200)
# from scratch: AdamW (SGD leaves the propagation at the "every instance is
# every object" plateau for hundreds of iterations)
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4e-4, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=1200,
        # from scratch: instance identity is learnt only once the lr drops
        # (at 4e-4 the propagation stays at loss_prop ~0.83 for 1000 iters)
        milestones=[300, 1000],
        gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=2)  # 1 process x 2 pairs
