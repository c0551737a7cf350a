import os.path as osp

import pytest

import mmpr
from mmpr import _check_version
from mmpr.version import __version__


def test_version():
    assert mmpr.__version__ == __version__
    assert mmpr.version_info == tuple(int(x) for x in __version__.split('.'))


@pytest.mark.parametrize('version', ['2.0.0', '2.1.0', '2.1.9'])
def test_check_version_accepts_supported(version):
    _check_version('mmcv', version, ('2.0.0', '2.2.0'))


@pytest.mark.parametrize('version', ['1.7.2', '2.2.0', '3.0.0'])
def test_check_version_rejects_unsupported(version):
    with pytest.raises(
            ImportError,
            match=rf'mmcv=={version} is installed, '
            r'but mmpr needs 2.0.0 <= mmcv < 2.2.0'):
        _check_version('mmcv', version, ('2.0.0', '2.2.0'))


def test_tools_print_no_pkg_resources_warning(run_tool, repo_root, tmp_path):
    # reading a config with a `mmdet::` base imports pkg_resources
    done = run_tool(
        'demo.py', str(tmp_path / 'missing.mp4'),
        osp.join(repo_root, 'configs', 'toy',
                 'seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'), '--out-json',
        str(tmp_path / 'r.json'))
    assert 'missing.mp4 does not exist' in done.stderr
    assert 'pkg_resources is deprecated' not in done.stderr
