from .seq_prop_head import PropTargets, QueryFeatures, SeqPropHead

__all__ = ['PropTargets', 'QueryFeatures', 'SeqPropHead']
