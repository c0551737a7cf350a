import os.path as osp

import pytest

from mmpr.utils import load_config

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'


def test_no_persistent_workers_without_workers(repo_root):
    cfg = load_config(
        osp.join(repo_root, TOY_CONFIG), {'test_dataloader.num_workers': 0})
    assert cfg.test_dataloader.persistent_workers is False
    assert cfg.train_dataloader.persistent_workers is True


def test_missing_config_is_a_one_line_error(tmp_path):
    with pytest.raises(SystemExit, match='config .* does not exist'):
        load_config(str(tmp_path / 'nope.py'))


def test_unreadable_config_names_the_file(tmp_path):
    bad = tmp_path / 'bad.py'
    bad.write_text('model = dict(\n')
    with pytest.raises(SystemExit, match='cannot read config .*bad.py'):
        load_config(str(bad))
