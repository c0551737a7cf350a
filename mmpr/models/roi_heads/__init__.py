from .roi_extractors import *  # noqa: F401,F403
