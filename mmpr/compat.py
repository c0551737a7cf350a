"""Fixes that make the pinned OpenMMLab stack work on torch >= 2.6 and numpy 2.

Imported by ``mmpr/__init__.py``; nothing in site-packages is edited. Each
fix names the upstream line it works around and is covered by a test in
``tests/test_compat.py``.
"""
import os.path as osp
import types
from typing import Optional, Union

import numpy as np
import torch
from mmdet.evaluation.functional import ytviseval
from mmengine.runner.checkpoint import CheckpointLoader


# torch >= 2.6 defaults to ``torch.load(weights_only=True)``, which refuses
# the message hub (HistoryBuffer, numpy arrays) that every checkpoint saved by
# the mmengine Runner holds, so resume / load_from / test fail
# (mmengine/runner/checkpoint.py:347, mmengine issue #1655). mmengine's
# extension point for this is a checkpoint loader scheme; the function keeps
# mmengine's name so the log still reads "Loads checkpoint by local backend".
@CheckpointLoader.register_scheme(prefixes='', force=True)
def load_from_local(
        filename: str,
        map_location: Optional[Union[str, torch.device]] = None) -> dict:
    """Load a local checkpoint, trusting its pickled objects.

    Checkpoints are trusted files here exactly as with torch < 2.6: only load
    checkpoints from sources you trust.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(
            f'checkpoint {filename} can not be found; check the path.')
    return torch.load(filename, map_location=map_location, weights_only=False)


class _NumpyWithFloat(types.ModuleType):
    """numpy, plus the alias ``np.float`` (removed in numpy 1.24)."""

    float = float

    def __getattr__(self, name: str):
        return getattr(np, name)


# mmdet/evaluation/functional/ytviseval.py:444-445 call
# ``astype(dtype=np.float)``, so every YouTube-VIS evaluation fails on numpy 2.
# Give only that module a numpy that still has the alias.
if not hasattr(np, 'float'):
    ytviseval.np = _NumpyWithFloat('numpy')
