from collections import defaultdict
from typing import Dict, List, Optional, Sequence

from mmdet.evaluation.metrics import YouTubeVISMetric as MMDetYouTubeVISMetric
from mmengine.logging import MMLogger

from mmpr.registry import METRICS
from mmpr.structures import InstanceSequences


@METRICS.register_module()
class YouTubeVISMetric(MMDetYouTubeVISMetric):
    """YouTube-VIS AP/AR and the submission file, for instance sequences.

    Registered under mmdet's name, so ``type='YouTubeVISMetric'`` in an mmpr
    config gets this class. Besides mmdet's per-frame tracks (one label per
    frame) it reads the output of :class:`SeqMaskRCNN`, a video's
    ``pred_sequences`` (:class:`InstanceSequences`). A sequence yields, like
    the authors' code, one record per category whose class score reaches
    ``category_score_thr`` (``record_mode='category'``), or one record with
    its best category (``record_mode='sequence'``).

    With ``outfile_prefix`` the records are written to
    ``{outfile_prefix}.json`` and zipped as ``results.json`` into
    ``{outfile_prefix}.submission_file.zip`` (the YouTube-VIS server's
    format); AP/AR are computed unless ``format_only`` (valid and test splits
    without annotations).

    With ``long_video_frames`` AP/AR are also reported apart for the short
    videos (at most that many frames, ``short_videos/segm_mAP``, ...) and the
    long ones (``long_videos/...``), as YouTube-VIS 2022 scores its valid set
    (its short videos are 2021's, at most 36 frames; its long videos longer).

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
        long_video_frames (int, optional): Videos of more frames are long;
            None scores all videos together only. Defaults to None.
        **kwargs: :class:`mmdet.evaluation.YouTubeVISMetric` arguments
            (``outfile_prefix``, ``format_only``, ...).
    """

    def __init__(self,
                 record_mode: str = 'category',
                 category_score_thr: float = 0.05,
                 metric_items: Optional[Sequence[str]] = ('mAP', 'mAP_50',
                                                          'mAP_75', 'AR@1',
                                                          'AR@10'),
                 long_video_frames: Optional[int] = None,
                 **kwargs) -> None:
        if record_mode not in ('category', 'sequence'):
            raise ValueError("record_mode must be 'category' or 'sequence', "
                             f'got {record_mode!r}')
        super().__init__(
            metric_items=list(metric_items) if metric_items else None,
            **kwargs)
        self.record_mode = record_mode
        self.category_score_thr = category_score_thr
        self.long_video_frames = long_video_frames

    def process(self, data_batch: dict, data_samples: Sequence) -> None:
        """Format the ground truth and predictions of whole videos.

        A video with ``pred_sequences`` (:class:`InstanceSequences`, from
        :class:`SeqMaskRCNN`) gives its sequences' records; one without
        (mmdet's per-frame tracks, e.g. MaskTrack R-CNN) goes to mmdet.
        """
        for sample in data_samples:
            sequences = sample.get('pred_sequences')
            if sequences is None:
                super().process(data_batch, [sample])
            else:
                self.process_sequences(sequences, sample['video_data_samples'])

    def process_sequences(self, sequences: InstanceSequences,
                          frames: Sequence) -> None:
        """Format one video's instance sequences and its ground truth.

        Args:
            sequences (InstanceSequences): At the original frame size.
            frames (Sequence[DetDataSample]): The video's T frames.
        """
        gts = [
            dict(
                width=frame.ori_shape[1],
                height=frame.ori_shape[0],
                img_id=frame.img_id,
                frame_id=frame_id,
                video_id=frame.video_id,
                video_length=len(frames),
                anns=frame.get('instances', []))
            for frame_id, frame in enumerate(frames)
        ]
        threshold = (
            self.category_score_thr
            if self.record_mode == 'category' else None)
        self.results.append(
            (sequences.to_records(frames[0].video_id,
                                  threshold), self._format_one_video_gts(gts)))

    def _format_one_video_gts(self, gt_dicts: Sequence[dict]) -> List[dict]:
        """mmdet's formatting of a video's ground truth; the video's entry
        also keeps its length (for ``long_video_frames``)."""
        annotations = super()._format_one_video_gts(gt_dicts)
        self._vis_meta_info['videos'][-1]['length'] = gt_dicts[0][
            'video_length']
        return annotations

    def compute_metrics(self, results: List) -> Dict[str, float]:
        """AP/AR of all videos, and with ``long_video_frames`` of the short
        and the long videos apart.

        Args:
            results (list[tuple]): (records, ground truth) of each video, in
                the order of ``self._vis_meta_info['videos']``.
        """
        metrics = self.compute_subset_metrics(results)
        if self.long_video_frames is None or self.format_only:
            return metrics
        videos = self._vis_meta_info['videos']
        for subset in ('short', 'long'):
            kept = [(result, video) for result, video in zip(results, videos)
                    if (video['length'] > self.long_video_frames) == (
                        subset == 'long')]
            if not kept:
                continue
            self._vis_meta_info['videos'] = [video for _, video in kept]
            try:
                subset_metrics = self.compute_subset_metrics(
                    [result for result, _ in kept], save=False)
            finally:
                self._vis_meta_info['videos'] = videos
            metrics.update({
                f'{subset}_videos/{key}': value
                for key, value in subset_metrics.items()
            })
        return metrics

    def compute_subset_metrics(self,
                               results: List,
                               save: bool = True) -> Dict[str, float]:
        """Write the results (with ``outfile_prefix`` and ``save``), then
        compute AP/AR of the videos in ``results``, or zeros when the model
        predicted nothing."""
        predictions = self.format_preds([pred for pred, _ in results])
        if save and self.outfile_prefix is not None and not self.format_only:
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
