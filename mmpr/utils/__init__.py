from .checkpoint import (CheckpointError, check_checkpoint_fits,
                         checkpoint_state_dict, load_checkpoint_file)
from .config import load_config
from .cpu_info import cpu_info, describe_cpu
from .distributed import setup_cpu_distributed
from .errors import (ConfigValueError, VideoFailedError, check_arg, one_line,
                     one_line_errors, unknown_type_message)
from .precision import (autocast_dtype, channels_last, check_amp,
                        fp32_contiguous, full_precision, is_autocast_on,
                        mixed_precision, precision_note)
from .preflight import check_dataset_files, make_output_dir
from .runner import build_runner
from .setup_env import register_all_modules
from .stage_timer import StageTimer, count_work, timed_stage

__all__ = [
    'CheckpointError', 'StageTimer', 'autocast_dtype', 'build_runner',
    'channels_last', 'check_checkpoint_fits', 'check_dataset_files',
    'checkpoint_state_dict', 'count_work', 'cpu_info', 'describe_cpu',
    'fp32_contiguous', 'full_precision', 'is_autocast_on',
    'load_checkpoint_file', 'load_config', 'make_output_dir',
    'mixed_precision', 'one_line', 'one_line_errors', 'VideoFailedError',
    'ConfigValueError', 'check_arg', 'precision_note', 'check_amp',
    'register_all_modules', 'setup_cpu_distributed', 'timed_stage',
    'unknown_type_message'
]
