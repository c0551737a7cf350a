import mmengine.registry.root as mmengine_root
from mmdet.evaluation import YouTubeVISMetric as MMDetYouTubeVISMetric
from mmdet.models import FPN, MaskRCNN, ResNet
from mmdet.registry import MODELS as MMDET_MODELS
from mmengine.config import Config
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import DefaultScope, Registry

from mmpr.evaluation import YouTubeVISMetric
from mmpr.registry import DATASETS, METRICS, MODELS, TRANSFORMS

MMDET_INHERITING_CONFIG = """
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    '{repo}/configs/_base_/default_runtime.py',
]
model = dict(backbone=dict(depth=18, init_cfg=None),
             neck=dict(in_channels=[64, 128, 256, 512]))
"""


def test_every_mmengine_registry_has_an_mmpr_node():
    roots = [
        value for value in vars(mmengine_root).values()
        if isinstance(value, Registry)
    ]
    assert len(roots) >= 20
    for root in roots:
        node = root._search_child('mmpr')
        assert node is not None, f'no mmpr node in the {root.name} registry'
        assert node.scope == 'mmpr'
    assert MODELS.parent is MMDET_MODELS


def test_mmdet_config_builds_in_mmpr_scope(repo_root, tmp_path):
    path = tmp_path / 'mask_rcnn_r18.py'
    path.write_text(MMDET_INHERITING_CONFIG.format(repo=repo_root))
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope == 'mmpr'
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        # as the Runner does: through mmengine's root, switched to mmpr
        model = MMENGINE_MODELS.build(cfg.model)
    assert isinstance(model, MaskRCNN)
    assert isinstance(model.backbone, ResNet) and model.backbone.depth == 18
    assert isinstance(model.neck, FPN)


def test_mmpr_names_resolve_before_mmdet_names():
    with DefaultScope.overwrite_default_scope('mmpr'):
        metric = METRICS.build(dict(type='YouTubeVISMetric'))
        mmdet_metric = METRICS.build(dict(type='mmdet.YouTubeVISMetric'))
        assert TRANSFORMS.get('LoadTrackAnnotations') is not None
        assert DATASETS.get('YouTubeVISDataset') is not None
    assert type(metric) is YouTubeVISMetric
    assert type(mmdet_metric) is MMDetYouTubeVISMetric
