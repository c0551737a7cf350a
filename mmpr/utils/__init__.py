from .config import load_config
from .distributed import setup_cpu_distributed
from .setup_env import register_all_modules
from .stage_timer import StageTimer, timed_stage

__all__ = [
    'StageTimer', 'load_config', 'register_all_modules',
    'setup_cpu_distributed', 'timed_stage'
]
