from .memory_bank import MemoryBank
from .memory_k_propagator import MemoryKPropagator, select_key_frames
from .propose_model import ProposeModel
from .sequence_proposals import SequenceProposals

__all__ = [
    'MemoryBank', 'MemoryKPropagator', 'ProposeModel', 'SequenceProposals',
    'select_key_frames'
]
