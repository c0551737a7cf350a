from typing import Optional

from mmengine.config import Config
from mmengine.model import is_model_wrapper
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmpr.utils import (check_checkpoint_fits, checkpoint_state_dict,
                        describe_cpu, load_checkpoint_file)


def build_runner(cfg: Config, checkpoint: Optional[str] = None) -> Runner:
    """Build the runner of a config (``runner_type`` or mmengine's Runner).

    The log names the CPU and its ISA (times differ across machines).

    Args:
        cfg (Config): The config, read from ``cfg.filename``.
        checkpoint (str, optional): A local checkpoint the runner will load
            (``load_from``): it is read first and checked against the built
            model. Defaults to None (no check).

    Raises:
        CheckpointError: The checkpoint is no checkpoint or of another
            model.
        KeyError: A type of the config is not registered (see
            :func:`one_line_errors`).
    """
    state_dict = None
    if checkpoint is not None:
        state_dict = checkpoint_state_dict(load_checkpoint_file(checkpoint))
    runner = (
        RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg))
    runner.logger.info(describe_cpu())
    if state_dict is not None:
        model = runner.model
        check_checkpoint_fits(
            model.module if is_model_wrapper(model) else model, state_dict,
            checkpoint, cfg.filename)
    return runner
