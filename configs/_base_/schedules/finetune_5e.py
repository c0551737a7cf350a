# Fine-tuning stage (paper Sec. 4.2, supplement D): 5 epochs at a fixed lr of
# 5e-5. The authors' configs differ: lr 3.33e-5 (YouTube-VIS) / 3.33e-4
# (DAVIS), divided by 10 after epoch 2 of 4, 10 warm-up iterations.
_base_ = './main_4e.py'

train_cfg = dict(max_epochs=5)
optim_wrapper = dict(optimizer=dict(lr=5e-5))
param_scheduler = []  # fixed lr
