from collections import defaultdict
from typing import Dict, List, Optional, Sequence

from mmdet.evaluation.metrics import YouTubeVISMetric as MMDetYouTubeVISMetric
from mmengine.logging import MMLogger

from mmpr.registry import METRICS


@METRICS.register_module()
class YouTubeVISMetric(MMDetYouTubeVISMetric):
    """YouTube-VIS AP/AR and the submission file, for instance sequences.

    Registered under mmdet's name, so ``type='YouTubeVISMetric'`` in an mmpr
    config gets this class. Besides mmdet's per-frame tracks (bool mask
    tensors, one label per frame) it reads the output of
    :class:`SeqMaskRCNN`: per frame ``pred_track_instances`` with RLE
    ``masks`` and the sequence's ``class_scores`` (N, C). Such a sequence
    yields, like the authors' code, one record per category whose class
    score reaches ``category_score_thr`` (``record_mode='category'``), or
    one record with its best category (``record_mode='sequence'``).

    With ``outfile_prefix`` the records are written to
    ``{outfile_prefix}.json`` and zipped as ``results.json`` into
    ``{outfile_prefix}.submission_file.zip`` (the YouTube-VIS server's
    format); AP/AR are computed unless ``format_only`` (valid and test splits
    without annotations).

    It also fixes three failures of mmdet 3.3's metric: numpy 2 has no
    ``np.float`` (fixed for ``ytviseval`` by :mod:`mmpr.compat`); a second
    ``evaluate()`` raised ``KeyError: 'images'`` (youtube_vis_metric.py:406);
    zero predictions crashed in ``YTVIS.loadRes`` (they now score 0).

    Args:
        record_mode (str): ``'category'`` or ``'sequence'``. Defaults to
            ``'category'``.
        category_score_thr (float): Score floor of a category record
            (authors: 0.05; 0.001 with the category-aware reduction).
            Defaults to 0.05.
        metric_items (list[str], optional): Defaults to AP, AP50, AP75,
            AR@1 and AR@10.
        **kwargs: :class:`mmdet.evaluation.YouTubeVISMetric` arguments
            (``outfile_prefix``, ``format_only``, ...).
    """

    def __init__(self,
                 record_mode: str = 'category',
                 category_score_thr: float = 0.05,
                 metric_items: Optional[Sequence[str]] = ('mAP', 'mAP_50',
                                                          'mAP_75', 'AR@1',
                                                          'AR@10'),
                 **kwargs) -> None:
        if record_mode not in ('category', 'sequence'):
            raise ValueError("record_mode must be 'category' or 'sequence', "
                             f'got {record_mode!r}')
        super().__init__(
            metric_items=list(metric_items) if metric_items else None,
            **kwargs)
        self.record_mode = record_mode
        self.category_score_thr = category_score_thr

    def process_video(self, data_samples: Sequence) -> None:
        """Format the ground truth and predictions of one whole video."""
        first = data_samples[0].pred_track_instances
        if 'class_scores' not in first or not isinstance(first.masks, list):
            return super().process_video(data_samples)
        gts = []
        for frame_id, frame in enumerate(data_samples):
            gts.append(
                dict(
                    width=frame.ori_shape[1],
                    height=frame.ori_shape[0],
                    img_id=frame.img_id,
                    frame_id=frame_id,
                    video_id=frame.video_id,
                    video_length=len(data_samples),
                    anns=frame.get('instances', [])))
        self.results.append((self._format_sequences(data_samples),
                             self._format_one_video_gts(gts)))

    def _format_sequences(self, data_samples: Sequence) -> List[dict]:
        """Official result records of the instance sequences of a video."""
        num_frames = len(data_samples)
        segmentations: Dict[int,
                            list] = defaultdict(lambda: [None] * num_frames)
        class_scores = {}
        for t, frame in enumerate(data_samples):
            pred = frame.pred_track_instances
            for i, seq_id in enumerate(pred.instances_id.tolist()):
                rle = dict(pred.masks[i])
                if isinstance(rle['counts'], bytes):
                    rle['counts'] = rle['counts'].decode()
                segmentations[seq_id][t] = rle
                class_scores[seq_id] = pred.class_scores[i].tolist()
        video_id = data_samples[0].video_id
        records = []
        for seq_id, scores in class_scores.items():
            if self.record_mode == 'sequence':
                best = max(range(len(scores)), key=scores.__getitem__)
                categories = [best]
            else:
                categories = [
                    c for c, score in enumerate(scores)
                    if score >= self.category_score_thr
                ]
            records.extend(
                dict(
                    video_id=video_id,
                    category_id=c + 1,
                    score=scores[c],
                    segmentations=segmentations[seq_id]) for c in categories)
        return records

    def compute_metrics(self, results: List) -> Dict[str, float]:
        """Write the results (with ``outfile_prefix``), then compute AP/AR,
        or zeros when the model predicted nothing."""
        predictions = self.format_preds([pred for pred, _ in results])
        if self.outfile_prefix is not None and not self.format_only:
            self.save_pred_results(predictions)
        if self.format_only or predictions:
            return super().compute_metrics(results)
        MMLogger.get_current_instance().warning(
            'YouTubeVISMetric: the model predicted no instance in any video; '
            'every metric is 0.')
        metric_items = self.metric_items or [
            'mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l'
        ]
        return {f'segm_{item}': 0.0 for item in metric_items}

    def evaluate(self, size: int) -> dict:
        """Evaluate the processed videos, then reset the per-run state."""
        try:
            return super().evaluate(size)
        finally:
            self._vis_meta_info = defaultdict(list)
