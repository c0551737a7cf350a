from collections import defaultdict
from typing import Dict, List, Sequence

from mmdet.evaluation.metrics import YouTubeVISMetric as MMDetYouTubeVISMetric
from mmengine.logging import MMLogger

from mmpr.registry import METRICS


@METRICS.register_module()
class YouTubeVISMetric(MMDetYouTubeVISMetric):
    """mmdet's YouTube-VIS AP/AR metric, made safe to run more than once.

    Registered under mmdet's name, so ``type='YouTubeVISMetric'`` in an mmpr
    config gets this class. It fixes three failures of mmdet 3.3's metric:

    - numpy 2 has no ``np.float`` (fixed for ``ytviseval`` by
      :mod:`mmpr.compat`, which this module imports through ``mmpr``);
    - a second ``evaluate()`` raised ``KeyError: 'images'`` because
      ``evaluate()`` replaced the ``defaultdict`` of video and frame infos by a
      plain dict (youtube_vis_metric.py:406), which broke the second
      validation of a training run;
    - zero predictions (an untrained model) crashed in ``YTVIS.loadRes``; they
      now score 0.

    Args: as :class:`mmdet.evaluation.YouTubeVISMetric`.
    """

    def evaluate(self, size: int) -> dict:
        """Evaluate the processed videos, then reset the per-run state."""
        try:
            return super().evaluate(size)
        finally:
            self._vis_meta_info = defaultdict(list)

    def compute_metrics(self, results: List) -> Dict[str, float]:
        """Compute AP/AR, or zeros when the model predicted nothing."""
        predictions: Sequence = [pred for pred, _ in results]
        if self.format_only or any(predictions):
            return super().compute_metrics(results)
        MMLogger.get_current_instance().warning(
            'YouTubeVISMetric: the model predicted no instance in any video; '
            'every metric is 0.')
        metric_items = self.metric_items or [
            'mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l'
        ]
        return {f'segm_{item}': 0.0 for item in metric_items}
