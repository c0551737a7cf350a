"""Seq Mask R-CNN: Mask R-CNN plus a sequence propagation head.

Paper Sec. 3.1.3 and Fig. 4. Shape shorthand: N frame pairs in a batch, K
guidance instances over the whole batch, (H, W) the padded input size.
"""
from typing import List, NamedTuple, Optional, Tuple, Union

import cv2
import numpy as np
import torch
from mmdet.models.detectors import TwoStageDetector
from mmdet.models.roi_heads.mask_heads.fcn_mask_head import _do_paste_mask
from mmdet.structures import DetDataSample, SampleList, TrackSampleList
from mmdet.structures.bbox import bbox2roi
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from mmengine.structures import InstanceData
from pycocotools import mask as mask_utils
from torch import Tensor

from mmpr.registry import MODELS


class FrameFeatures(NamedTuple):
    """Features of a batch of frames.

    Attributes:
        fpn (tuple[Tensor]): FPN levels P2... , each (N, C, H/s, W/s).
        skips (tuple[Tensor]): Backbone C2 (N, C2, H/4, W/4) and C3
            (N, C3, H/8, W/8), the decoder skips of the propagation head.
    """
    fpn: Tuple[Tensor, ...]
    skips: Tuple[Tensor, Tensor]

    def split(self, size: int) -> Tuple['FrameFeatures', 'FrameFeatures']:
        """The first ``size`` frames and the rest."""
        head = FrameFeatures(
            tuple(x[:size] for x in self.fpn),
            tuple(x[:size] for x in self.skips))
        tail = FrameFeatures(
            tuple(x[size:] for x in self.fpn),
            tuple(x[size:] for x in self.skips))
        return head, tail


@MODELS.register_module()
class SeqMaskRCNN(TwoStageDetector):
    """Mask R-CNN with a Seq-Prop head, trained on guidance/query pairs.

    ``loss()``: backbone + FPN on both frames of every pair -> Mask R-CNN
    losses on the query frames -> guidance masks estimated by the mask head on
    the guidance frames' ground-truth boxes (soft, detached) -> ``prop_head``
    propagates them to the query frames -> ``loss_prop``.

    ``predict()`` on a whole video: propose (Mask R-CNN on K key frames,
    memory K-propagation, ``propagator``) -> reduce (sequence NMS,
    ``reducer``) -> per-frame instance sequences.

    Args:
        backbone (dict): Backbone; it must output C2 and C3 first (ResNet
            ``out_indices=(0, 1, 2, 3)``).
        neck (dict): FPN; its first level is P2.
        rpn_head (dict): RPN head.
        roi_head (dict): RoI head with bbox and mask heads.
        prop_head (dict): :class:`SeqPropHead`.
        propagator (dict): Proposal generation at test time,
            :class:`MemoryKPropagator`.
        reducer (dict): Proposal reduction at test time,
            :class:`SequenceNMS`.
        train_cfg (dict): mmdet's ``rpn``/``rpn_proposal``/``rcnn`` plus
            ``prop=dict(max_objects=5, guidance='predicted')``: the most
            guidance instances per pair (more are sampled at random, as in
            the authors' code) and the guidance masks: ``'predicted'``, the
            mask head's estimates (the paper), or ``'ground_truth'`` (for a
            model trained from scratch, whose mask head is not yet usable).
        test_cfg (dict): mmdet's ``rpn``/``rcnn``.
        data_preprocessor (dict, optional): A ``TrackDataPreprocessor`` with
            ``pad_mask=True``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 neck: ConfigType,
                 rpn_head: ConfigType,
                 roi_head: ConfigType,
                 prop_head: ConfigType,
                 propagator: ConfigType = dict(type='MemoryKPropagator'),
                 reducer: ConfigType = dict(type='SequenceNMS'),
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            backbone=backbone,
            neck=neck,
            rpn_head=rpn_head,
            roi_head=roi_head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.prop_head = MODELS.build(prop_head)
        self.propagator = MODELS.build(propagator)
        self.reducer = MODELS.build(reducer)

    def extract_frame_feats(self, imgs: Tensor) -> FrameFeatures:
        """Backbone and FPN of (N, C, H, W) frames, keeping C2 and C3."""
        stages = self.backbone(imgs)
        return FrameFeatures(fpn=tuple(self.neck(stages)), skips=stages[:2])

    def extract_feat(
            self, batch_inputs: Union[Tensor,
                                      FrameFeatures]) -> Tuple[Tensor, ...]:
        """FPN features of (N, C, H, W) images, or of extracted frames.

        Accepting :class:`FrameFeatures` lets the parent's ``loss`` run on
        features that were already computed for both frames of each pair.
        """
        if isinstance(batch_inputs, FrameFeatures):
            return batch_inputs.fpn
        return self.extract_frame_feats(batch_inputs).fpn

    def loss(self, inputs: Tensor, data_samples: TrackSampleList) -> dict:
        """Losses of a batch of frame pairs.

        Args:
            inputs (Tensor): (N, 2, C, H, W) frame pairs.
            data_samples (list[TrackDataSample]): Two frames each, with
                ``key_frames_inds`` (the query) and ``ref_frames_inds`` (the
                guidance) in their metainfo.

        Returns:
            dict: Mask R-CNN losses of the query frames plus ``loss_prop``.
        """
        query_inds = [sample.key_frames_inds[0] for sample in data_samples]
        guide_inds = [sample.ref_frames_inds[0] for sample in data_samples]
        pairs = torch.arange(len(data_samples), device=inputs.device)
        frames = torch.cat([
            inputs[pairs,
                   torch.as_tensor(query_inds, device=inputs.device)],
            inputs[pairs,
                   torch.as_tensor(guide_inds, device=inputs.device)]
        ])
        query_feats, guide_feats = self.extract_frame_feats(frames).split(
            len(data_samples))
        query_samples = [s[i] for s, i in zip(data_samples, query_inds)]
        guide_samples = [s[i] for s, i in zip(data_samples, guide_inds)]

        losses = super().loss(query_feats, query_samples)
        losses.update(
            self.prop_loss(query_feats, guide_feats, query_samples,
                           guide_samples))
        return losses

    def prop_loss(self, query_feats: FrameFeatures, guide_feats: FrameFeatures,
                  query_samples: SampleList,
                  guide_samples: SampleList) -> dict:
        """Propagation loss of the instances shared by each pair.

        A guidance instance counts when its id is in the query frame with a
        non-empty mask; at most ``train_cfg.prop.max_objects`` per pair.
        """
        prop_cfg = self.train_cfg.get('prop', {})
        max_objects = prop_cfg.get('max_objects', 5)
        guidance = prop_cfg.get('guidance', 'predicted')
        if guidance not in ('predicted', 'ground_truth'):
            raise ValueError("train_cfg.prop.guidance must be 'predicted' or "
                             f"'ground_truth', got {guidance!r}")
        guide_boxes, guide_labels, gt_guides = [], [], []
        targets, pair_inds = [], []
        for pair, (query,
                   guide) in enumerate(zip(query_samples, guide_samples)):
            query_gt, guide_gt = query.gt_instances, guide.gt_instances
            query_masks = query_gt.masks.to_tensor(torch.float,
                                                   query_gt.labels.device)
            visible = query_masks.flatten(1).sum(1) > 0
            query_ids = {
                int(i): j
                for j, i in enumerate(query_gt.instances_ids) if visible[j]
            }
            shared = [
                j for j, i in enumerate(guide_gt.instances_ids)
                if int(i) in query_ids
            ]
            if len(shared) > max_objects:
                keep = torch.randperm(len(shared))[:max_objects]
                shared = [shared[k] for k in sorted(keep.tolist())]
            if not shared:
                continue
            shared_t = torch.as_tensor(shared, device=query_masks.device)
            guide_boxes.append(guide_gt.bboxes[shared_t])
            guide_labels.append(guide_gt.labels[shared_t])
            if guidance == 'ground_truth':
                gt_guides.append(guide_gt.masks[shared].to_tensor(
                    torch.float, query_masks.device))
            targets.append(query_masks[[
                query_ids[int(guide_gt.instances_ids[j])] for j in shared
            ]])
            pair_inds.extend([pair] * len(shared))
        if not pair_inds:
            # keep every head parameter in the graph (DDP) with a zero loss
            return dict(
                loss_prop=sum(p.sum()
                              for p in self.prop_head.parameters()) * 0)

        pad_h, pad_w = query_samples[0].batch_input_shape
        if guidance == 'ground_truth':
            guide_masks = torch.cat(gt_guides)
        else:
            guide_masks = self.estimate_guidance_masks(guide_feats.fpn,
                                                       guide_boxes,
                                                       guide_labels,
                                                       (pad_h, pad_w))
        pair_inds_t = torch.as_tensor(
            pair_inds, device=guide_masks.device, dtype=torch.long)
        query = self.prop_head.encode_query(query_feats.fpn[0],
                                            *query_feats.skips)
        return self.prop_head.loss(guide_feats.fpn[0], guide_masks, query,
                                   pair_inds_t, torch.cat(targets))

    @torch.no_grad()
    def estimate_guidance_masks(self, fpn: Tuple[Tensor, ...], boxes: list,
                                labels: list, pad_shape: Tuple[int,
                                                               int]) -> Tensor:
        """Soft masks of the mask head on given boxes, pasted at input size.

        The paper trains the propagation from the model's own estimates, not
        ground truth, so that it learns to propagate imperfect masks.

        Args:
            fpn (tuple[Tensor]): FPN features of the frames.
            boxes (list[Tensor]): Per frame, (k, 4) boxes (x1, y1, x2, y2).
            labels (list[Tensor]): Per frame, (k, ) class labels.
            pad_shape (tuple[int, int]): (H, W) canvas.

        Returns:
            Tensor: (K, H, W) probabilities (detached).
        """
        rois = bbox2roi(boxes)
        mask_preds = self.roi_head._mask_forward(fpn, rois)['mask_preds']
        labels = torch.cat(labels)
        if mask_preds.size(1) > 1:  # class-specific masks
            mask_preds = mask_preds[torch.arange(len(labels)), labels]
        else:
            mask_preds = mask_preds[:, 0]
        masks, _ = _do_paste_mask(
            mask_preds[:, None].sigmoid(),
            torch.cat(boxes),
            *pad_shape,
            skip_empty=False)
        return masks

    def predict(self,
                inputs: Tensor,
                data_samples: TrackSampleList,
                rescale: bool = True) -> TrackSampleList:
        """Instance sequences of one whole video.

        Args:
            inputs (Tensor): (1, T, C, H, W) all frames of one video.
            data_samples (list[TrackDataSample]): Its frames.
            rescale (bool): Masks and boxes at the original frame size (else
                at the resized input size). Defaults to True.

        Returns:
            list[TrackDataSample]: ``data_samples``, each frame with
            ``pred_track_instances``: ``instances_id`` (N, ), ``scores``
            (N, ) sequence scores (Eq. 2), ``labels`` (N, ), ``class_scores``
            (N, C), ``bboxes`` (N, 4) and ``masks`` (a list of N RLE dicts),
            for the N sequences present in the frame.
        """
        if inputs.size(0) != 1:
            raise ValueError('SeqMaskRCNN.predict takes one video per batch '
                             f'(batch_size=1), got {inputs.size(0)}')
        frames = list(data_samples[0])
        proposals = self.propagator.propose(self, inputs[0], frames)
        with self.propagator.timer('reduction', inputs.device):
            keep, class_scores = self.reducer(proposals.masks,
                                              proposals.class_scores)
            sequences = [proposals.masks[k] for k in keep]
        with self.propagator.timer('output', inputs.device):
            for t, frame in enumerate(frames):
                frame.pred_track_instances = self._frame_instances(
                    frame, [seq[t] for seq in sequences], class_scores,
                    rescale)
        return data_samples

    @staticmethod
    def _frame_instances(frame: DetDataSample, rles: List[Optional[dict]],
                         class_scores: np.ndarray,
                         rescale: bool) -> InstanceData:
        """The present sequences of one frame as ``InstanceData``.

        Args:
            frame (DetDataSample): The frame (``ori_shape``).
            rles (list[dict | None]): One mask per sequence at the resized
                frame size, None where absent.
            class_scores (np.ndarray): (S, C) sequence class scores.
            rescale (bool): Resize masks to ``ori_shape``.
        """
        ids, masks = [], []
        for s, rle in enumerate(rles):
            if rle is None or not mask_utils.area(rle):
                continue
            if rescale:
                height, width = frame.ori_shape[:2]
                mask = cv2.resize(
                    mask_utils.decode(rle), (width, height),
                    interpolation=cv2.INTER_LINEAR)
                rle = mask_utils.encode(np.asfortranarray(mask))
            ids.append(s)
            masks.append(rle)
        scores = torch.as_tensor(class_scores[ids]).reshape(
            len(ids), class_scores.shape[1])
        boxes = torch.as_tensor(
            mask_utils.toBbox(masks) if masks else np.zeros((0, 4)),
            dtype=torch.float32)
        boxes[:, 2:] += boxes[:, :2]
        return InstanceData(
            instances_id=torch.as_tensor(ids, dtype=torch.long),
            scores=scores.max(dim=1).values,
            labels=scores.argmax(dim=1),
            class_scores=scores,
            bboxes=boxes,
            masks=masks)
