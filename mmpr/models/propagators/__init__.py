from .memory_bank import MemoryBank
from .memory_k_propagator import MemoryKPropagator, select_key_frames

__all__ = ['MemoryBank', 'MemoryKPropagator', 'select_key_frames']
