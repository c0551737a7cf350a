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
