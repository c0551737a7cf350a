"""Box decoding of old mmdet (0.5), which the authors' models were trained
with."""
from typing import Optional, Sequence, Union

from mmdet.models.task_modules.coders import LegacyDeltaXYWHBBoxCoder
from mmdet.models.task_modules.coders.legacy_delta_xywh_bbox_coder import \
    legacy_delta2bbox
from mmdet.structures.bbox import HorizontalBoxes, get_box_tensor
from torch import Tensor

from mmpr.registry import TASK_UTILS


@TASK_UTILS.register_module()
class MMDetV05DeltaXYWHBBoxCoder(LegacyDeltaXYWHBBoxCoder):
    """Old mmdet's ``delta2bbox`` exactly (mmdet 0.5, the authors' fork).

    mmdet 3's :class:`LegacyDeltaXYWHBBoxCoder` keeps old mmdet's ``+ 1``
    widths but leaves out, on purpose, the half-pixel terms of the old
    corners: old mmdet decodes ``x1 = cx - w / 2 + 0.5`` and
    ``x2 = cx + w / 2 - 0.5`` (boxes whose ``x2`` is the last pixel), then
    clamps to ``[0, W - 1]``; mmdet 3's legacy coder gives every box 0.5 px
    more on each side. Encoding is the same in both (``+ 1`` widths).
    """

    def decode(
        self,
        bboxes: Union[Tensor, HorizontalBoxes],
        pred_bboxes: Tensor,
        max_shape: Optional[Sequence[int]] = None,
        wh_ratio_clip: Optional[float] = 16 / 1000
    ) -> Union[Tensor, HorizontalBoxes]:
        """Decode ``pred_bboxes`` (N, 4k) deltas on ``bboxes`` (N, 4).

        Args:
            bboxes (Tensor | HorizontalBoxes): (N, 4) base boxes.
            pred_bboxes (Tensor): (N, 4k) deltas.
            max_shape (tuple[int], optional): (H, W) to clamp to.
            wh_ratio_clip (float): Bound of the log-size deltas.

        Returns:
            Tensor | HorizontalBoxes: (N, 4k) boxes.
        """
        decoded = legacy_delta2bbox(
            get_box_tensor(bboxes), pred_bboxes, self.means, self.stds, None,
            wh_ratio_clip)
        x1, y1, x2, y2 = (decoded[:, i::4] for i in range(4))
        x1, y1 = x1 + 0.5, y1 + 0.5
        x2, y2 = x2 - 0.5, y2 - 0.5
        if max_shape is not None:
            height, width = max_shape[:2]
            x1, x2 = x1.clamp(0, width - 1), x2.clamp(0, width - 1)
            y1, y2 = y1.clamp(0, height - 1), y2.clamp(0, height - 1)
        decoded = decoded.new_empty(decoded.shape)
        for i, coordinate in enumerate((x1, y1, x2, y2)):
            decoded[:, i::4] = coordinate
        return HorizontalBoxes(decoded) if self.use_box_type else decoded
