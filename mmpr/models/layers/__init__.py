from .res_blocks import RefineBlock, ResBlock, stride16_encoder
from .soft_aggregation import soft_aggregate

__all__ = ['RefineBlock', 'ResBlock', 'soft_aggregate', 'stride16_encoder']
