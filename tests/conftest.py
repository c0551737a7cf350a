import importlib.util
import os.path as osp
from types import ModuleType

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def load_tool(relpath: str) -> ModuleType:
    """Import a script under ``tools/`` as a module."""
    path = osp.join(REPO_ROOT, 'tools', relpath)
    name = 'tool_' + osp.splitext(relpath)[0].replace('/', '_')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT


@pytest.fixture(scope='session', name='load_tool')
def load_tool_fixture():
    return load_tool


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory) -> str:
    """A tiny toy set, written and prepared as a user would (2019 layout)."""
    from mmpr.datasets.toy_vis import make_toy_vis
    root = str(tmp_path_factory.mktemp('toy'))
    make_toy_vis(root, preset='tiny', seed=0)
    converter = load_tool('dataset_converters/youtubevis2coco.py')
    vis_root = osp.join(root, 'youtube_vis_2019')
    module = converter.load_mmdet_converter()
    for split in ('train', 'valid'):
        converter.convert_split(module, osp.join(vis_root, f'{split}.json'),
                                osp.join(vis_root, 'annotations'), '2019',
                                split)
    return root
