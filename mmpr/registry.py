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

RUNNERS = Registry(
    'runner', parent=mmdet_registry.RUNNERS, locations=['mmdet.engine.runner'])
RUNNER_CONSTRUCTORS = Registry(
    'runner constructor',
    parent=mmdet_registry.RUNNER_CONSTRUCTORS,
    locations=['mmdet.engine.runner'])
LOOPS = Registry(
    'loop',
    parent=mmdet_registry.LOOPS,
    locations=['mmdet.engine.runner', 'mmpr.engine'])
HOOKS = Registry(
    'hook',
    parent=mmdet_registry.HOOKS,
    locations=['mmdet.engine.hooks', 'mmpr.engine'])
STRATEGIES = Registry('strategy', parent=mmengine_registry.STRATEGIES)

DATASETS = Registry(
    'dataset',
    parent=mmdet_registry.DATASETS,
    locations=['mmdet.datasets', 'mmpr.datasets'])
DATA_SAMPLERS = Registry(
    'data sampler',
    parent=mmdet_registry.DATA_SAMPLERS,
    locations=['mmdet.datasets.samplers', 'mmpr.datasets'])
TRANSFORMS = Registry(
    'transform',
    parent=mmdet_registry.TRANSFORMS,
    locations=['mmdet.datasets.transforms', 'mmpr.datasets'])

MODELS = Registry(
    'model',
    parent=mmdet_registry.MODELS,
    locations=['mmdet.models', 'mmpr.models'])
MODEL_WRAPPERS = Registry(
    'model_wrapper',
    parent=mmdet_registry.MODEL_WRAPPERS,
    locations=['mmdet.models'])
WEIGHT_INITIALIZERS = Registry(
    'weight initializer',
    parent=mmdet_registry.WEIGHT_INITIALIZERS,
    locations=['mmdet.models'])
TASK_UTILS = Registry(
    'task util',
    parent=mmdet_registry.TASK_UTILS,
    locations=['mmdet.models', 'mmpr.models'])

OPTIMIZERS = Registry(
    'optimizer',
    parent=mmdet_registry.OPTIMIZERS,
    locations=['mmdet.engine.optimizers'])
OPTIM_WRAPPERS = Registry(
    'optim_wrapper',
    parent=mmdet_registry.OPTIM_WRAPPERS,
    locations=['mmdet.engine.optimizers', 'mmpr.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer constructor',
    parent=mmdet_registry.OPTIM_WRAPPER_CONSTRUCTORS,
    locations=['mmdet.engine.optimizers'])
PARAM_SCHEDULERS = Registry(
    'parameter scheduler',
    parent=mmdet_registry.PARAM_SCHEDULERS,
    locations=['mmdet.engine.schedulers'])

METRICS = Registry(
    'metric',
    parent=mmdet_registry.METRICS,
    locations=['mmdet.evaluation', 'mmpr.evaluation'])
EVALUATOR = Registry(
    'evaluator',
    parent=mmdet_registry.EVALUATOR,
    locations=['mmdet.evaluation', 'mmpr.evaluation'])

VISUALIZERS = Registry(
    'visualizer',
    parent=mmdet_registry.VISUALIZERS,
    locations=['mmdet.visualization', 'mmpr.visualization'])
VISBACKENDS = Registry(
    'vis_backend',
    parent=mmdet_registry.VISBACKENDS,
    locations=['mmdet.visualization'])
LOG_PROCESSORS = Registry(
    'log_processor',
    parent=mmdet_registry.LOG_PROCESSORS,
    locations=['mmdet.engine'])
INFERENCERS = Registry('inferencer', parent=mmengine_registry.INFERENCERS)
FUNCTIONS = Registry('function', parent=mmengine_registry.FUNCTIONS)
