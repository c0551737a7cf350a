from .coders import *  # noqa: F401,F403
