# The half-width toy model's schedule: 400 iterations of AdamW, lr 1e-3 after
# a warm-up, then cosine-annealed
_base_ = './toy_adamw_1200i.py'

max_iters = 400
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
# a higher lr, annealed: the detector learns at 1e-3, the propagation as the
# lr falls
optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50),
    dict(
        type='CosineAnnealingLR',
        by_epoch=False,
        begin=50,
        end=max_iters,
        T_max=max_iters - 50,
        eta_min=1e-5)
]
