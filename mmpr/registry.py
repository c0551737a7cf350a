"""Registries of mmpr.

Design: every mmpr node is a child of mmdet's node of the same kind (or of
mmengine's where mmdet has none), and configs run with
``default_scope = 'mmpr'``. A lookup that misses in mmpr falls back to mmdet
and then mmengine, so an mmpr config reaches every mmdet module by its plain
name (``type='MaskRCNN'``) and nested builds inside mmdet modules resolve
through mmpr as well. Each node also lists mmdet's module locations, so a
lookup imports mmdet's modules before it walks up to mmdet's node.
"""
import mmdet.registry as mmdet_registry
import mmengine.registry as mmengine_registry
from mmengine.registry import Registry


def _child(parent: Registry, *locations: str) -> Registry:
    """mmpr's node of ``parent``'s name under mmdet's (or mmengine's)
    ``parent``, importing ``locations`` to find the modules registered in
    it."""
    return Registry(parent.name, parent=parent, locations=list(locations))


# runners, their strategies, loops (mmpr's video test loop) and hooks
RUNNERS = _child(mmdet_registry.RUNNERS, 'mmdet.engine.runner')
RUNNER_CONSTRUCTORS = _child(mmdet_registry.RUNNER_CONSTRUCTORS,
                             'mmdet.engine.runner')
LOOPS = _child(mmdet_registry.LOOPS, 'mmdet.engine.runner', 'mmpr.engine')
HOOKS = _child(mmdet_registry.HOOKS, 'mmdet.engine.hooks', 'mmpr.engine')
STRATEGIES = _child(mmengine_registry.STRATEGIES)

# data sets, their samplers and transforms
DATASETS = _child(mmdet_registry.DATASETS, 'mmdet.datasets', 'mmpr.datasets')
DATA_SAMPLERS = _child(mmdet_registry.DATA_SAMPLERS, 'mmdet.datasets.samplers',
                       'mmpr.datasets')
TRANSFORMS = _child(mmdet_registry.TRANSFORMS, 'mmdet.datasets.transforms',
                    'mmpr.datasets')

# models, their wrappers and initialisers, and their task modules (box coders,
# samplers, assigners)
MODELS = _child(mmdet_registry.MODELS, 'mmdet.models', 'mmpr.models')
MODEL_WRAPPERS = _child(mmdet_registry.MODEL_WRAPPERS, 'mmdet.models')
WEIGHT_INITIALIZERS = _child(mmdet_registry.WEIGHT_INITIALIZERS,
                             'mmdet.models')
TASK_UTILS = _child(mmdet_registry.TASK_UTILS, 'mmdet.models', 'mmpr.models')

# optimisation
OPTIMIZERS = _child(mmdet_registry.OPTIMIZERS, 'mmdet.engine.optimizers')
OPTIM_WRAPPERS = _child(mmdet_registry.OPTIM_WRAPPERS,
                        'mmdet.engine.optimizers', 'mmpr.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child(mmdet_registry.OPTIM_WRAPPER_CONSTRUCTORS,
                                    'mmdet.engine.optimizers')
PARAM_SCHEDULERS = _child(mmdet_registry.PARAM_SCHEDULERS,
                          'mmdet.engine.schedulers')

# evaluation
METRICS = _child(mmdet_registry.METRICS, 'mmdet.evaluation', 'mmpr.evaluation')
EVALUATOR = _child(mmdet_registry.EVALUATOR, 'mmdet.evaluation',
                   'mmpr.evaluation')

# visualisation and logging
VISUALIZERS = _child(mmdet_registry.VISUALIZERS, 'mmdet.visualization',
                     'mmpr.visualization')
VISBACKENDS = _child(mmdet_registry.VISBACKENDS, 'mmdet.visualization')
LOG_PROCESSORS = _child(mmdet_registry.LOG_PROCESSORS, 'mmdet.engine')

# mmengine's generic nodes (mmdet has none of its own)
INFERENCERS = _child(mmengine_registry.INFERENCERS)
FUNCTIONS = _child(mmengine_registry.FUNCTIONS)
