# The runtime of the toy configs: iteration-based logs and checkpoints, a
# fixed seed.
_base_ = './default_runtime.py'

default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(by_epoch=False, interval=400))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)
