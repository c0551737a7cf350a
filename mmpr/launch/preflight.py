"""Checks the tools run before building a runner: data and output paths."""
import copy
import os
import os.path as osp
import sys
from typing import Iterator, Sequence, Tuple

from mmengine.config import Config
from mmengine.dataset import BaseDataset
from mmengine.registry import DefaultScope

from mmpr.utils import one_line_errors

TOY_DATA_COMMANDS = (
    'python tools/dataset_converters/make_toy_vis.py {root} && python '
    'tools/dataset_converters/youtubevis2coco.py -i {root}/youtube_vis_2019 '
    '--version 2019')
# the names of data_prefix keys in the messages
_PREFIX_NAMES = dict(img_path='image folder', ann_path='annotation folder')


def _lazy(dataset: dict) -> dict:
    """A dataset config whose datasets (wrapped ones too) load nothing."""
    dataset = dict(dataset, lazy_init=True)
    if isinstance(dataset.get('dataset'), dict):
        dataset['dataset'] = _lazy(dataset['dataset'])
    if dataset.get('datasets'):
        dataset['datasets'] = [
            _lazy(child) if isinstance(child, dict) else child
            for child in dataset['datasets']
        ]
    return dataset


def _dataset_paths(dataset: BaseDataset) -> Iterator[Tuple[str, str]]:
    """(what, path) of the files and folders a dataset reads, wrapped
    datasets first."""
    for child in getattr(dataset, 'datasets', []):
        yield from _dataset_paths(child)
    if hasattr(dataset, 'dataset'):
        yield from _dataset_paths(dataset.dataset)
    if getattr(dataset, 'ann_file', ''):
        yield 'annotation file', dataset.ann_file
    for key, prefix in (getattr(dataset, 'data_prefix', None) or {}).items():
        if prefix and isinstance(prefix, str):
            yield _PREFIX_NAMES.get(key, f'{key} folder'), prefix


def _how_to_make(path: str) -> str:
    """The command that makes the toy data, else where the README says how
    to get a data set."""
    root = os.environ.get('MMPR_TOY_DATA', 'data/toy')  # the toy configs'
    if osp.abspath(path).startswith(osp.join(osp.abspath(root), '')):
        commands = TOY_DATA_COMMANDS.format(root=root)
        return (f'make the toy data with `{commands}` (the toy configs read '
                'it from $MMPR_TOY_DATA, default data/toy)')
    return ('download and prepare the data set as '
            "docs/user_guides/datasets.md says, or point the config's "
            'data_root to it')


def check_dataset_files(cfg: Config, dataloaders: Sequence[str]) -> None:
    """Exit with a one-line error when a file or folder the datasets of the
    config's dataloaders read is missing, before a runner is built.

    Args:
        cfg (Config): A tool's config.
        dataloaders (Sequence[str]): Config keys of the dataloaders, e.g.
            ``('train_dataloader', 'val_dataloader')``; absent ones are
            skipped.
    """
    from mmpr.registry import DATASETS
    with one_line_errors(), DefaultScope.overwrite_default_scope(
            cfg.get('default_scope')):
        for name in dataloaders:
            loader = cfg.get(name)
            if not loader or not loader.get('dataset'):
                continue
            dataset = DATASETS.build(_lazy(copy.deepcopy(loader.dataset)))
            for what, path in _dataset_paths(dataset):
                exists = osp.isfile if what == 'annotation file' else osp.isdir
                if '://' in path or exists(path):
                    continue
                where = '' if osp.isabs(path) else f' in {os.getcwd()}'
                sys.exit(f'error: {name}: the {what} {path} does not exist'
                         f'{where}; {_how_to_make(path)}')


def make_output_dir(path: str, option: str, is_dir: bool = False) -> None:
    """Create the folder of an output (or the output folder itself); exit
    with a one-line error when it cannot be written, before any run.

    Args:
        path (str): The output file, or folder with ``is_dir``.
        option (str): The option that names it, e.g. ``'--out'``.
        is_dir (bool): Whether ``path`` is a folder. Defaults to False.
    """
    folder = path if is_dir else osp.dirname(osp.abspath(path))
    cannot = f'error: cannot write {option} {path}:'
    if not is_dir and osp.isdir(path):
        sys.exit(f'{cannot} it is a folder; pass a file name')
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        if isinstance(error, (FileExistsError, NotADirectoryError)):
            reason = 'a file is in the way'
        sys.exit(f'{cannot} cannot create the folder {folder} ({reason}); '
                 'pass a path in a folder you can write')
    if not os.access(folder, os.W_OK | os.X_OK):
        sys.exit(f'{cannot} the folder {folder} is not writable; pass a path '
                 'in a folder you can write')
