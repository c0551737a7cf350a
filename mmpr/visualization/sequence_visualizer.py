import colorsys
from typing import Tuple

import numpy as np
from mmdet.visualization import TrackLocalVisualizer
# an mmdet internal (the text and line scale its visualizers use), here only
from mmdet.visualization.palette import _get_adaptive_scales
from mmengine.structures import InstanceData

from mmpr.registry import VISUALIZERS


def sequence_color(sequence_id: int) -> Tuple[int, int, int]:
    """A bright RGB colour per id, stable across frames and videos.

    Hues step by the golden ratio, so consecutive ids look far apart.
    """
    hue = (int(sequence_id) * 0.618033988749895) % 1.0
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.75, 1.0)
    return int(255 * red), int(255 * green), int(255 * blue)


@VISUALIZERS.register_module()
class SequenceVisualizer(TrackLocalVisualizer):
    """Draw instance sequences on a frame: each sequence in its own colour.

    Reads the instances of one frame as
    :meth:`InstanceSequences.frame_instances` gives them (mmdet's
    ``pred_track_instances`` fields: (N, H, W) bool ``masks``, boxes,
    ``instances_id``, labels and scores) and draws the mask, the box and
    "category score" in the sequence's colour, the same on every frame.
    Unlike mmdet's ``TrackLocalVisualizer`` it needs no seaborn and has no
    global random state.

    Args: as :class:`mmdet.visualization.TrackLocalVisualizer`.
    """

    def draw_frame(self,
                   image: np.ndarray,
                   instances: InstanceData,
                   score_thr: float = 0.0) -> np.ndarray:
        """Draw the sequences of one frame scoring at least ``score_thr``.

        Args:
            image (np.ndarray): (H, W, 3) RGB frame.
            instances (InstanceData): The frame's N sequences, fields as
                ``pred_track_instances``.
            score_thr (float): Sequences scoring below are not drawn.

        Returns:
            np.ndarray: The (H, W, 3) RGB drawing.
        """
        if 'scores' in instances:
            instances = instances[instances.scores >= score_thr]
        return self._draw_instances(image, instances)

    def _draw_instances(self, image: np.ndarray,
                        instances: InstanceData) -> np.ndarray:
        """Draw (N) instances on an (H, W, 3) RGB image."""
        self.set_image(image)
        if len(instances) == 0:
            return self.get_image()
        classes = self.dataset_meta.get('classes')
        ids = (
            instances.instances_id if 'instances_id' in instances else range(
                len(instances)))
        colors = [sequence_color(i) for i in ids]
        if 'masks' in instances:
            self.draw_binary_masks(
                np.asarray(instances.masks, bool), colors=colors, alphas=0.5)
        if 'bboxes' in instances and len(instances.bboxes):
            # a mask touching the right or bottom edge ends at x2 = W or
            # y2 = H, which mmengine warns is outside the image
            bboxes = instances.bboxes.clone()
            bboxes[:, 0::2] = bboxes[:, 0::2].clamp(0, self.width - 1)
            bboxes[:, 1::2] = bboxes[:, 1::2].clamp(0, self.height - 1)
            self.draw_bboxes(
                bboxes,
                edge_colors=colors,
                alpha=self.alpha,
                line_widths=self.line_width)
            areas = ((bboxes[:, 3] - bboxes[:, 1]) *
                     (bboxes[:, 2] - bboxes[:, 0])).cpu().numpy()
            scales = _get_adaptive_scales(areas)
            for i, (box, label) in enumerate(zip(bboxes, instances.labels)):
                text = classes[label] if classes else f'class {int(label)}'
                if 'scores' in instances:
                    text += f' {float(instances.scores[i]):.2f}'
                self.draw_texts(
                    text,
                    box[:2] + self.line_width,
                    colors='black',
                    font_sizes=int(13 * scales[i]),
                    bboxes=[{
                        'facecolor': [c / 255 for c in colors[i]],
                        'alpha': 0.8,
                        'pad': 0.7,
                        'edgecolor': 'none'
                    }])
        return self.get_image()
