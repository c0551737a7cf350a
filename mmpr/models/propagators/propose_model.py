"""The door between a propagator and the model it proposes with."""
from typing import List, Protocol, Sequence, Tuple, runtime_checkable

from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData
from torch import Tensor

from mmpr.models.detectors.frame_features import FrameFeatures
from mmpr.models.heads.seq_prop_head import QueryFeatures

# per stream of instances, its memory: (O, Ck, M, h', w') keys and
# (O, Cv, M, h', w') values
Memory = Tuple[Tensor, Tensor]


@runtime_checkable
class ProposeModel(Protocol):
    """Exactly what a propagator may call on its model (:class:`SeqMaskRCNN`
    implements it; a wrapper that changes one step, e.g. ground-truth key
    frames, implements it by delegation).

    Shape shorthand: O instances, (H, W) the padded input size, (h, w) the
    masks' size, C classes.
    """

    @property
    def num_classes(self) -> int:
        """C."""

    def extract_frame_feats(self, imgs: Tensor) -> FrameFeatures:
        """Features of (1, C, H, W) normalised, padded float frames."""

    def detect_key_frame(self, feats: FrameFeatures,
                         sample: DetDataSample) -> InstanceData:
        """A key frame's top instances: ``masks`` (O, H, W) bool,
        ``scores``, ``labels``."""

    def classify_boxes(self, feats: FrameFeatures, boxes: Tensor,
                       mask_size: Tuple[int, int]) -> Tensor:
        """(O, C) class probabilities of masks from their (O, 4) boxes."""

    def encode_memory(self, feats: FrameFeatures,
                      masks: Tensor) -> Tuple[Tensor, Tensor]:
        """A memory entry of (O, H, W) masks (or probabilities) on a frame:
        (O, Ck, h', w') keys and (O, Cv, h', w') values."""

    def encode_query(self, feats: FrameFeatures) -> QueryFeatures:
        """The query work of a frame, shared by all instances read into
        it (a batch of N frames gives N rows)."""

    def segment(self, memories: Sequence[Memory], query: QueryFeatures,
                chunk_size: int, read_budget: int) -> List[Tensor]:
        """Per memory, the (O, H, W) probabilities of its instances on the
        query frame (soft aggregation within each memory)."""
