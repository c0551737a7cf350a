"""Which kind of model a config builds, by its registered type."""
from mmengine.config import ConfigDict
from mmengine.registry import DefaultScope


def is_seq_mask_rcnn(model_cfg: ConfigDict) -> bool:
    """Whether ``model_cfg`` builds mmpr's :class:`SeqMaskRCNN` (or a
    subclass), as opposed to a peer model (e.g. mmdet's MaskTrack R-CNN).

    The type is looked up in mmpr's model registry (in the config's
    ``_scope_`` if it names one), so a class registered under another name
    counts by what it is, not by the config keys it has.
    """
    from mmpr.models import SeqMaskRCNN
    from mmpr.registry import MODELS
    kind = model_cfg.get('type')
    if isinstance(kind, str):
        with DefaultScope.overwrite_default_scope(
                model_cfg.get('_scope_', 'mmpr')):
            kind = MODELS.get(kind)
    return isinstance(kind, type) and issubclass(kind, SeqMaskRCNN)
