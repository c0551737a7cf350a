"""The command-line layer: what ``tools/`` and :mod:`mmpr.apis` use to
launch a run (module registration, the runner, pre-flight checks). It
imports the rest of mmpr; nothing below it imports it."""
from .model_kind import is_seq_mask_rcnn
from .preflight import check_dataset_files, make_output_dir
from .runner import build_runner
from .setup_env import register_all_modules

__all__ = [
    'build_runner', 'check_dataset_files', 'is_seq_mask_rcnn',
    'make_output_dir', 'register_all_modules'
]
