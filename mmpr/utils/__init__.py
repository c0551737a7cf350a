from .checkpoint import (CheckpointError, check_checkpoint_fits,
                         checkpoint_state_dict, load_checkpoint_file)
from .config import load_config
from .cpu_info import cpu_info, describe_cpu
from .distributed import setup_cpu_distributed
from .errors import one_line_errors, unknown_type_message
from .preflight import check_dataset_files, make_output_dir
from .runner import build_runner
from .setup_env import register_all_modules
from .stage_timer import StageTimer, timed_stage

__all__ = [
    'CheckpointError', 'StageTimer', 'build_runner', 'check_checkpoint_fits',
    'check_dataset_files', 'checkpoint_state_dict', 'cpu_info', 'describe_cpu',
    'load_checkpoint_file', 'load_config', 'make_output_dir',
    'one_line_errors', 'register_all_modules', 'setup_cpu_distributed',
    'timed_stage', 'unknown_type_message'
]
