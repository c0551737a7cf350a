"""mmpr: Propose-Reduce video instance segmentation on the OpenMMLab stack."""
import warnings

# Known noise of the pinned stack, before it is imported: mmengine's
# is_installed (every config with a `mmdet::` base) and mim import setuptools'
# pkg_resources, which warns on every import and reload.
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

import mmcv  # noqa: E402
import mmdet  # noqa: E402
import mmengine  # noqa: E402
from mmengine.utils import digit_version  # noqa: E402

from .version import __version__, version_info  # noqa: E402

# Supported ranges, lower bound inclusive, upper bound exclusive.
MMCV_RANGE = ('2.0.0', '2.2.0')  # mmdet 3.3 rejects mmcv >= 2.2.0
MMENGINE_RANGE = ('0.10.0', '1.0.0')
MMDET_RANGE = ('3.3.0', '3.4.0')


def _check_version(package: str, version: str, supported: tuple) -> None:
    """Raise a one-line error when ``version`` is outside ``supported``."""
    low, high = supported
    if not digit_version(low) <= digit_version(version) < digit_version(high):
        raise ImportError(f'{package}=={version} is installed, but mmpr needs '
                          f'{low} <= {package} < {high}; run `make setup` or '
                          f'`pip install "{package}>={low},<{high}"`.')


_check_version('mmcv', mmcv.__version__, MMCV_RANGE)
_check_version('mmengine', mmengine.__version__, MMENGINE_RANGE)
_check_version('mmdet', mmdet.__version__, MMDET_RANGE)

from . import compat  # noqa: E402,F401  (needs the checked stack)

__all__ = ['__version__', 'version_info']
