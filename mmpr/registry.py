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


def _child(name: str, parent: Registry, *locations: str) -> Registry:
    """The mmpr node ``name`` under mmdet's (or mmengine's) ``parent``,
    importing ``locations`` to find the modules registered in it."""
    return Registry(name, parent=parent, locations=list(locations))


RUNNERS = _child('runner', mmdet_registry.RUNNERS, 'mmdet.engine.runner')
RUNNER_CONSTRUCTORS = _child('runner constructor',
                             mmdet_registry.RUNNER_CONSTRUCTORS,
                             'mmdet.engine.runner')
LOOPS = _child('loop', mmdet_registry.LOOPS, 'mmdet.engine.runner',
               'mmpr.engine')
HOOKS = _child('hook', mmdet_registry.HOOKS, 'mmdet.engine.hooks',
               'mmpr.engine')
STRATEGIES = _child('strategy', mmengine_registry.STRATEGIES)

DATASETS = _child('dataset', mmdet_registry.DATASETS, 'mmdet.datasets',
                  'mmpr.datasets')
DATA_SAMPLERS = _child('data sampler', mmdet_registry.DATA_SAMPLERS,
                       'mmdet.datasets.samplers', 'mmpr.datasets')
TRANSFORMS = _child('transform', mmdet_registry.TRANSFORMS,
                    'mmdet.datasets.transforms', 'mmpr.datasets')

MODELS = _child('model', mmdet_registry.MODELS, 'mmdet.models', 'mmpr.models')
MODEL_WRAPPERS = _child('model_wrapper', mmdet_registry.MODEL_WRAPPERS,
                        'mmdet.models')
WEIGHT_INITIALIZERS = _child('weight initializer',
                             mmdet_registry.WEIGHT_INITIALIZERS,
                             'mmdet.models')
TASK_UTILS = _child('task util', mmdet_registry.TASK_UTILS, 'mmdet.models',
                    'mmpr.models')

OPTIMIZERS = _child('optimizer', mmdet_registry.OPTIMIZERS,
                    'mmdet.engine.optimizers')
OPTIM_WRAPPERS = _child('optim_wrapper', mmdet_registry.OPTIM_WRAPPERS,
                        'mmdet.engine.optimizers', 'mmpr.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer constructor',
                                    mmdet_registry.OPTIM_WRAPPER_CONSTRUCTORS,
                                    'mmdet.engine.optimizers')
PARAM_SCHEDULERS = _child('parameter scheduler',
                          mmdet_registry.PARAM_SCHEDULERS,
                          'mmdet.engine.schedulers')

METRICS = _child('metric', mmdet_registry.METRICS, 'mmdet.evaluation',
                 'mmpr.evaluation')
EVALUATOR = _child('evaluator', mmdet_registry.EVALUATOR, 'mmdet.evaluation',
                   'mmpr.evaluation')

VISUALIZERS = _child('visualizer', mmdet_registry.VISUALIZERS,
                     'mmdet.visualization', 'mmpr.visualization')
VISBACKENDS = _child('vis_backend', mmdet_registry.VISBACKENDS,
                     'mmdet.visualization')
LOG_PROCESSORS = _child('log_processor', mmdet_registry.LOG_PROCESSORS,
                        'mmdet.engine')
INFERENCERS = _child('inferencer', mmengine_registry.INFERENCERS)
FUNCTIONS = _child('function', mmengine_registry.FUNCTIONS)
