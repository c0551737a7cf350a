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

from mmpr.datasets.toy_vis import davis_palette
from mmpr.evaluation.functional import average_objects, evaluate_sequence
from mmpr.registry import METRICS


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

    Consumes, per frame, ``pred_track_instances`` with ``instances_id``
    (N, ), ``scores`` (N, ) and ``masks``: N pycocotools RLEs (or an
    (N, H, W) bool tensor or array) at ``ori_shape``, and the metainfo keys
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

    def process_video(self, data_samples: Sequence[DetDataSample]) -> None:
        """Write a video's label maps if asked and score them.

        Args:
            data_samples (Sequence[DetDataSample]): The video's T frames,
                in order.
        """
        order = self._object_order(data_samples)
        label_maps = self._label_maps(data_samples, order)
        video_name = data_samples[0].metainfo['video_name']
        if self.format_only:
            for _ in label_maps:  # writes the PNGs
                pass
            self.results.append(dict(video_name=video_name))
            return
        objects = sorted({
            instance['instance_id']
            for sample in data_samples
            for instance in sample.metainfo.get('instances', [])
        })
        scores = evaluate_sequence(
            (_gt_masks(sample, objects) for sample in data_samples),
            (_label_masks(labels, len(order)) for labels in label_maps),
            max_proposals=self.max_objects)
        self.results.append(
            dict(
                video_name=video_name,
                object_j=scores.object_j,
                object_f=scores.object_f))

    def _object_order(self,
                      data_samples: Sequence[DetDataSample]) -> Dict[int, int]:
        """Label map index (1..max_objects) of each kept sequence id."""
        scores = {}
        for sample in data_samples:
            pred = sample.pred_track_instances
            scores.update(
                zip(pred.instances_id.tolist(),
                    pred.scores.float().tolist()))
        ranked = sorted(scores, key=lambda idx: (-scores[idx], idx))
        return {idx: k for k, idx in enumerate(ranked[:self.max_objects], 1)}

    def _label_map(self, sample: DetDataSample,
                   order: Dict[int, int]) -> np.ndarray:
        """(H, W) uint8 label map of one frame at ``ori_shape``.

        Sequences are painted from the lowest to the highest score, so the
        higher score wins where they overlap.
        """
        height, width = sample.metainfo['ori_shape'][:2]
        labels = np.zeros((height, width), np.uint8)
        pred = sample.pred_track_instances
        painted = sorted(((order[idx], i)
                          for i, idx in enumerate(pred.instances_id.tolist())
                          if idx in order),
                         reverse=True)
        for label, i in painted:
            mask = _decode(pred.masks[i])
            if mask.shape != (height, width):
                raise ValueError(
                    f'{sample.metainfo["file_name"]}: predicted mask of '
                    f'size {mask.shape} at ori_shape {(height, width)}')
            labels[mask] = label
        return labels

    def _label_maps(self, data_samples: Sequence[DetDataSample],
                    order: Dict[int, int]) -> Iterator[np.ndarray]:
        """Yield the (H, W) label map of each frame, saved if asked."""
        palette = davis_palette().flatten().tolist()
        for sample in data_samples:
            labels = self._label_map(sample, order)
            if self.outfile_prefix is not None:
                stem = osp.splitext(
                    osp.basename(sample.metainfo['file_name']))[0]
                out_dir = osp.join(self.outfile_prefix,
                                   sample.metainfo['video_name'])
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


def _decode(mask) -> np.ndarray:
    """(H, W) bool mask of an RLE dict, or of an (H, W) tensor or array."""
    if isinstance(mask, dict):
        return mask_utils.decode(mask).astype(bool)
    if hasattr(mask, 'cpu'):
        mask = mask.cpu().numpy()
    return np.asarray(mask, bool)


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
