from .mask_heads import *  # noqa: F401,F403
from .roi_extractors import *  # noqa: F401,F403
