# Fine-tuning stage (paper Sec. 4.2, supplement D): 5 epochs at a fixed lr of
# 5e-5, from the main-training checkpoint. The paper gives only the fixed lr
# (the authors' configs: lr 3.33e-5 for YouTube-VIS and 3.33e-4 for
# DAVIS-UVOS, / 10 after epoch 2 of 4); their linear warm-up over 10
# iterations from a third of it is kept. Momentum, weight decay and gradient
# clipping as the main stage.
_base_ = './main_4e.py'

train_cfg = dict(max_epochs=5)
optim_wrapper = dict(optimizer=dict(lr=5e-5))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=1.0 / 3, by_epoch=False, begin=0, end=10)
]
# lr 5e-5 is for the authors' batch; --auto-scale-lr rescales it
