import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def setup_cpu_distributed(cfg: Config) -> bool:
    """Let a launched job (``--launcher pytorch``) train on CPUs.

    mmengine 0.10 initialises every launched job with
    ``torch.cuda.set_device`` and wraps the model in DDP with a GPU
    ``device_ids``; both fail without CUDA. On a machine without CUDA this
    joins the process group with the gloo backend before the Runner starts
    (the Runner then keeps it) and wraps the model for CPU DDP. It does
    nothing when CUDA is available or the job was not launched.

    Returns:
        bool: Whether the CPU set-up was applied.
    """
    if cfg.get('launcher', 'none') == 'none' or torch.cuda.is_available():
        return False
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']))
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    return True
