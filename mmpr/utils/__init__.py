"""What every layer of mmpr uses (models, engine, datasets, tools):
precision, stage timing, errors, CPU facts, checkpoints and configs. The
command-line layer (module registration, the runner, pre-flight checks) is
:mod:`mmpr.launch`, which imports the rest of mmpr."""
from .checkpoint import (CheckpointError, check_checkpoint_fits,
                         checkpoint_state_dict, load_checkpoint_file)
from .config import load_config
from .cpu_info import cpu_info, describe_cpu
from .distributed import setup_cpu_distributed
from .errors import (ConfigValueError, VideoFailedError, check_arg,
                     check_choice, one_line, one_line_errors,
                     unknown_type_message)
from .precision import (autocast_dtype, channels_last, check_amp,
                        fp32_contiguous, full_precision, is_autocast_on,
                        mixed_precision, precision_note)
from .stage_timer import StageTimer, count_work, timed_stage

__all__ = [
    'CheckpointError', 'ConfigValueError', 'StageTimer', 'VideoFailedError',
    'autocast_dtype', 'channels_last', 'check_amp', 'check_arg',
    'check_choice', 'check_checkpoint_fits', 'checkpoint_state_dict',
    'count_work', 'cpu_info', 'describe_cpu', 'fp32_contiguous',
    'full_precision', 'is_autocast_on', 'load_checkpoint_file', 'load_config',
    'mixed_precision', 'one_line', 'one_line_errors', 'precision_note',
    'setup_cpu_distributed', 'timed_stage', 'unknown_type_message'
]
