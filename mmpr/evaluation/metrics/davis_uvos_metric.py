"""DAVIS-UVOS J&F of whole-video predictions, and their indexed PNGs."""
import os
import os.path as osp
from typing import Dict, Iterator, List, Optional, Sequence

import numpy as np
import pycocotools.mask as mask_utils
from mmdet.evaluation.metrics import BaseVideoMetric
from mmdet.structures import DetDataSample
from mmengine.logging import MMLogger
from PIL import Image
from terminaltables import AsciiTable

from mmpr.datasets.davis_uvos_dataset import davis_palette
from mmpr.evaluation.functional import average_objects, evaluate_sequence
from mmpr.registry import METRICS
from mmpr.structures import InstanceSequences


@METRICS.register_module()
class DAVISUVOSMetric(BaseVideoMetric):
    """J&F of DAVIS 2019 unsupervised video object segmentation.

    Each video's predicted sequences become one label map per frame, as the
    authors' DAVIS test script writes them: sequences sorted by score
    (highest first), the top ``max_objects`` kept, the k-th one is object
    k + 1 on every frame, and where sequences overlap the higher-scoring one
    wins. The label maps are scored against the frames' ground-truth
    ``instances`` with :func:`mmpr.evaluation.functional.evaluate_sequence`;
    only each object's J- and F-means are kept between videos.

    Consumes a video's ``pred_sequences`` (:class:`InstanceSequences` at
    the original frame size) and, per frame, the metainfo keys
    ``video_name``, ``file_name``, ``ori_shape`` and ``instances`` (the
    ``DAVISUVOSDataset`` frame infos, packed with ``PackTrackInputs(
    meta_keys=('video_name', 'file_name'))``).

    Args:
        outfile_prefix (str, optional): Folder for the label maps, written
            as ``<outfile_prefix>/<video_name>/<frame>.png`` (palette
            PNGs, the DAVIS palette, the frame's file name). Not written if
            None.
        max_objects (int): Most sequences kept per video (DAVIS counts 20).
        format_only (bool): Only write the PNGs (e.g. for the DAVIS
            test-challenge server); ``compute_metrics`` returns ``{}``.
        collect_device (str): ``'cpu'`` or ``'gpu'``, to collect results
            from all ranks.
        prefix (str, optional): Prefix of the metric names; defaults to
            ``davis_uvos``.
    """
    default_prefix: Optional[str] = 'davis_uvos'

    def __init__(self,
                 outfile_prefix: Optional[str] = None,
                 max_objects: int = 20,
                 format_only: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not 1 <= max_objects <= 254:
            raise ValueError('max_objects must be in [1, 254] (PNG indices '
                             f'1..254), got {max_objects}')
        if format_only and outfile_prefix is None:
            raise ValueError('format_only=True writes the PNGs only: give '
                             'DAVISUVOSMetric an outfile_prefix')
        self.outfile_prefix = outfile_prefix
        self.max_objects = max_objects
        self.format_only = format_only

    def process(self, data_batch: dict, data_samples: Sequence) -> None:
        """Write and score the ``pred_sequences`` of whole videos."""
        for sample in data_samples:
            self.process_sequences(sample['pred_sequences'],
                                   sample['video_data_samples'])

    def process_sequences(self, sequences: InstanceSequences,
                          frames: Sequence[DetDataSample]) -> None:
        """Write a video's label maps if asked and score them.

        Args:
            sequences (InstanceSequences): At the original frame size.
            frames (Sequence[DetDataSample]): The video's T frames, in
                order.
        """
        # the top max_objects present sequences by score; the k-th is
        # object k + 1
        ranked = sequences.ranked()[:self.max_objects]
        label_maps = self._label_maps(sequences, ranked, frames)
        video_name = frames[0].metainfo['video_name']
        if self.format_only:
            for _ in label_maps:  # writes the PNGs
                pass
            self.results.append(dict(video_name=video_name))
            return
        objects = sorted({
            instance['instance_id']
            for frame in frames
            for instance in frame.metainfo.get('instances', [])
        })
        scores = evaluate_sequence(
            (_gt_masks(frame, objects) for frame in frames),
            (_label_masks(labels, len(ranked)) for labels in label_maps),
            max_proposals=self.max_objects)
        self.results.append(
            dict(
                video_name=video_name,
                object_j=scores.object_j,
                object_f=scores.object_f))

    def _label_maps(self, sequences: InstanceSequences, ranked: List[int],
                    frames: Sequence[DetDataSample]) -> Iterator[np.ndarray]:
        """Yield the (H, W) uint8 label map of each frame, saved if asked.

        Sequences are painted from the lowest to the highest score, so the
        higher score wins where they overlap.
        """
        palette = davis_palette().flatten().tolist()
        for t, frame in enumerate(frames):
            labels = np.zeros(sequences.mask_size, np.uint8)
            for label in range(len(ranked), 0, -1):
                mask = sequences.decode(ranked[label - 1], t)
                if mask is not None:
                    labels[mask] = label
            if self.outfile_prefix is not None:
                stem = osp.splitext(osp.basename(
                    frame.metainfo['file_name']))[0]
                out_dir = osp.join(self.outfile_prefix,
                                   frame.metainfo['video_name'])
                os.makedirs(out_dir, exist_ok=True)
                image = Image.fromarray(labels)
                image.putpalette(palette)  # mode 'L' -> 'P'
                image.save(osp.join(out_dir, f'{stem}.png'))
            yield labels

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """J&F, J and F: means over all objects of all videos.

        Args:
            results (list[dict]): Per video, ``video_name`` and the J- and
                F-means ``object_j`` and ``object_f`` (G, ) of its objects.

        Returns:
            dict[str, float]: ``{'J&F', 'J', 'F'}``, or ``{}`` with
            ``format_only``.
        """
        logger = MMLogger.get_current_instance()
        if self.format_only:
            logger.info(f'DAVISUVOSMetric: wrote the label maps of '
                        f'{len(results)} videos to {self.outfile_prefix}')
            return {}
        if not any(len(result['object_j']) for result in results):
            raise ValueError(
                'DAVISUVOSMetric: no annotated object in any video; score '
                'an annotated split, or write PNGs with format_only=True')
        rows = [['Sequence', 'Objects', 'J&F', 'J', 'F']]
        for result in results:
            if len(result['object_j']):
                scores = average_objects([result['object_j']],
                                         [result['object_f']])
                rows.append(
                    [result['video_name'],
                     len(result['object_j'])] +
                    [f'{scores[key]:.3f}' for key in ('J&F', 'J', 'F')])
        metrics = average_objects([r['object_j'] for r in results],
                                  [r['object_f'] for r in results])
        rows.append(
            ['Mean over objects',
             sum(len(r['object_j']) for r in results)] +
            [f'{metrics[key]:.3f}' for key in ('J&F', 'J', 'F')])
        logger.info('DAVIS-UVOS per sequence:\n' + AsciiTable(rows).table)
        return metrics


def _gt_masks(sample: DetDataSample, objects: List[int]) -> np.ndarray:
    """(G, H, W) ground-truth masks of ``objects`` in one frame."""
    height, width = sample.metainfo['ori_shape'][:2]
    masks = np.zeros((len(objects), height, width), bool)
    index = {idx: g for g, idx in enumerate(objects)}
    for instance in sample.metainfo.get('instances', []):
        masks[index[instance['instance_id']]] = mask_utils.decode(
            instance['mask'])
    return masks


def _label_masks(labels: np.ndarray, num: int) -> np.ndarray:
    """(num, H, W) masks of indices 1..num of an (H, W) label map."""
    return labels[None] == np.arange(
        1, num + 1, dtype=labels.dtype)[:, None, None]
