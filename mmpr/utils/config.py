import os.path as osp
import sys
from typing import Optional

from mmengine.config import Config


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """Read a config for a tool; exit with a one-line error on bad input.

    A dataloader left with ``persistent_workers=True`` by its config but
    given ``num_workers=0`` (a common override for debugging) gets
    ``persistent_workers=False``, which PyTorch requires.

    Args:
        path (str): Path of an mmengine Python config.
        cfg_options (dict, optional): ``--cfg-options`` to merge in.
    """
    if not osp.isfile(path):
        sys.exit(f'error: config {path} does not exist; pass a file under '
                 'configs/ (e.g. configs/toy/...).')
    try:
        cfg = Config.fromfile(path)
        if cfg_options:
            cfg.merge_from_dict(cfg_options)
    except (SyntaxError, NameError, KeyError, ImportError, OSError,
            TypeError) as error:
        # TypeError: a child's dict merged into a base value of another type
        sys.exit(f'error: cannot read config {path}: ' +
                 ' '.join(f'{type(error).__name__}: {error}'.split()))
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if loader and loader.get('num_workers') == 0 and loader.get(
                'persistent_workers'):
            loader.persistent_workers = False
    return cfg
