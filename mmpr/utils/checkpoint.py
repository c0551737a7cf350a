"""Read a checkpoint file and check that it fits a model, before loading it.

mmengine loads any file as a checkpoint: a json or a truncated download
fails deep in pickle, and the weights of another model are skipped with a
long warning, leaving the model randomly initialised.
"""
import re
from collections import OrderedDict
from typing import Dict

import torch
import torch.nn as nn
from mmengine.runner import CheckpointLoader

CONVERTER = 'tools/model_converters/proposereduce_to_mmpr.py'
# top-level keys of the authors' released checkpoints (old mmdet layout),
# which mmpr names roi_head.bbox_head, roi_head.mask_head, prop_head.*
AUTHORS_PREFIXES = ('bbox_head.', 'mask_head.', 'prop_head.enc_pos')


class CheckpointError(ValueError):
    """A checkpoint file that is not one, or one of another model."""


def load_checkpoint_file(path: str) -> dict:
    """Read a checkpoint file onto the CPU.

    Args:
        path (str): A ``.pth`` file (or any path mmengine reads).

    Returns:
        dict: The checkpoint, holding a state dict of tensors (under
        ``state_dict`` or at the top level).

    Raises:
        CheckpointError: The file is no PyTorch checkpoint of a state dict.
    """
    hint = ('pass a .pth written by tools/train.py (or converted by '
            f'{CONVERTER})')
    try:
        checkpoint = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    except OSError as error:
        raise CheckpointError(
            f'cannot read checkpoint {path}: {error}') from None
    except Exception as error:  # pickle and zip errors of every kind
        reason = (str(error).splitlines() or [''])[0]
        raise CheckpointError(
            f'checkpoint {path} is not a PyTorch checkpoint '
            f'({type(error).__name__}: {reason}); {hint}') from None
    state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(
        checkpoint, dict) else None
    if not state_dict or not isinstance(state_dict, dict) or not all(
            isinstance(value, torch.Tensor) for value in state_dict.values()):
        raise CheckpointError(f'checkpoint {path} is a PyTorch file but '
                              f'holds no state dict of weights; {hint}')
    return checkpoint


def checkpoint_state_dict(checkpoint: dict) -> Dict[str, torch.Tensor]:
    """The weights of a checkpoint, without DataParallel's ``module.``."""
    state_dict = checkpoint.get('state_dict', checkpoint)
    revised = OrderedDict((re.sub(r'^module\.', '', key), value)
                          for key, value in state_dict.items())
    revised._metadata = getattr(state_dict, '_metadata', OrderedDict())
    return revised


def check_checkpoint_fits(model: nn.Module, state_dict: Dict[str,
                                                             torch.Tensor],
                          checkpoint: str, config: str) -> None:
    """Refuse weights that would leave most of a model random.

    Args:
        model (nn.Module): The model the weights are for.
        state_dict (dict): The checkpoint's weights
            (:func:`checkpoint_state_dict`).
        checkpoint (str): The checkpoint file, for the message.
        config (str): The model's config file, for the message.

    Raises:
        CheckpointError: The checkpoint is in the authors' layout, or at
            least half of the model's state dict tensors are missing from it
            or of another shape.
    """
    target = model.state_dict()
    matched = sum(key in state_dict and state_dict[key].shape == value.shape
                  for key, value in target.items())
    counts = (f'{matched} of the {len(target)} weights of config {config} '
              'match it by name and shape')
    authors = sorted(
        key for key in state_dict
        if key.startswith(AUTHORS_PREFIXES) and key not in target)
    if authors:
        raise CheckpointError(
            f"checkpoint {checkpoint} is in the layout of the authors' "
            f'Propose-Reduce release (e.g. {authors[0]}; {counts}); convert '
            f'it first: python {CONVERTER} {checkpoint} converted.pth')
    if 2 * matched < len(target):
        others = [key for key in state_dict if key not in target]
        example = f' (it holds e.g. {others[0]})' if others else ''
        raise CheckpointError(
            f'checkpoint {checkpoint} is of another model: {counts}'
            f'{example}; pass a checkpoint trained with this config')
