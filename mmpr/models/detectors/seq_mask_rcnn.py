"""Seq Mask R-CNN: Mask R-CNN plus a sequence propagation head.

Paper Sec. 3.1.3 and Fig. 4. Shape shorthand: N frame pairs in a batch, K
guidance instances over the whole batch, (H, W) the padded input size.
"""
import copy
from typing import List, Sequence, Tuple, Union

import torch
from mmdet.models.detectors import TwoStageDetector
# mmdet internals used here, and only here: _do_paste_mask (pasting soft
# masks at input size), StandardRoIHead._bbox_forward and _mask_forward (the
# RoI heads on given RoIs)
from mmdet.models.roi_heads.mask_heads.fcn_mask_head import _do_paste_mask
from mmdet.structures import DetDataSample, SampleList, TrackSampleList
from mmdet.structures.bbox import bbox2roi
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from mmengine.structures import InstanceData
from torch import Tensor

from mmpr.models.heads.seq_prop_head import QueryFeatures
from mmpr.registry import MODELS
from mmpr.structures import mask_boxes
from mmpr.utils import (channels_last, fp32_contiguous, full_precision,
                        is_autocast_on, timed_stage)
from .frame_features import FrameFeatures
from .key_frame_detections import mask_nms, multiclass_nms_order


@MODELS.register_module()
class SeqMaskRCNN(TwoStageDetector):
    """Mask R-CNN with a Seq-Prop head, trained on guidance/query pairs.

    ``loss()``: backbone + FPN on both frames of every pair -> Mask R-CNN
    losses on the query frames (or both frames) -> guidance masks estimated
    by the mask head on the guidance frames' ground-truth boxes (soft,
    detached) -> ``prop_head`` propagates them to the query frames ->
    ``loss_prop``.

    ``predict()`` on a whole video: propose (``propagator``: the schedule of
    memory K-propagation, which calls this model's public steps, the
    :class:`ProposeModel` protocol: ``extract_frame_feats``,
    ``detect_key_frame``, ``classify_boxes``, ``encode_memory``,
    ``encode_query`` and ``segment``) -> reduce (``reducer``, sequence NMS)
    -> the video's :class:`InstanceSequences` at the original frame size.

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
            ``prop``, the prop head's ``train_cfg``
            (``dict(max_objects=5, guidance='predicted')``), and
            ``detect_guidance_frames`` (bool): the Mask R-CNN losses on the
            guidance frames too, whose features the step computes anyway
            (default False: the query frames only, as the authors' code).
        test_cfg (dict): mmdet's ``rpn``/``rcnn``, plus
            ``key_frame_mask_nms`` (float, optional): the mask IoU at which
            a key-frame detection is dropped as a duplicate of one before it,
            across classes (the authors' code: 0.2; absent or None: off);
            ``key_frame_order`` (str): the order of the key-frame detections
            into that mask NMS: ``'score'`` (default, highest first) or
            ``'class_grouped'`` (old mmdet's, the authors' code:
            :func:`multiclass_nms_order`); ``output_resize`` (str): how
            masks are resized to the original frame size, ``'opencv'``
            (default) or ``'torch'`` (the authors'; see
            :func:`mmpr.structures.resize_masks`).
        data_preprocessor (dict, optional): A :class:`VideoDataPreprocessor`
            with ``pad_mask=True``: at test time it leaves the video uint8
            and normalises each frame when it is read (mmdet's
            ``TrackDataPreprocessor`` works too, normalising the whole video
            at once).
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
        prop_head = prop_head.copy()
        prop_head.update(
            train_cfg=train_cfg.get('prop') if train_cfg else None)
        self.prop_head = MODELS.build(prop_head)
        for key, choices in (('key_frame_order', ('score', 'class_grouped')),
                             ('output_resize', ('opencv', 'torch'))):
            value = (test_cfg or {}).get(key, choices[0])
            if value not in choices:
                raise ValueError(f'test_cfg.{key} must be one of {choices}, '
                                 f'got {value!r}')
        self.propagator = MODELS.build(propagator)
        self.reducer = MODELS.build(reducer)

    @property
    def num_classes(self) -> int:
        """C, the number of classes (without the background)."""
        return self.roi_head.bbox_head.num_classes

    def extract_frame_feats(self, imgs: Tensor) -> FrameFeatures:
        """Backbone and FPN of frames, keeping C2 and C3.

        Args:
            imgs (Tensor): (N, C, H, W) float frames, normalised and padded
                (at test time as :class:`NormalisedFrames` gives them).
        """
        with timed_stage('backbone', imgs.device):
            stages = self.backbone(imgs)
            return FrameFeatures(
                fpn=tuple(self.neck(stages)), skips=stages[:2])

    def extract_feat(self, batch_inputs: Tensor) -> Tuple[Tensor, ...]:
        """FPN features of (N, C, H, W) images."""
        return self.extract_frame_feats(batch_inputs).fpn

    def loss(self, inputs: Tensor, data_samples: TrackSampleList) -> dict:
        """Losses of a batch of frame pairs.

        Args:
            inputs (Tensor): (N, 2, C, H, W) frame pairs.
            data_samples (list[TrackDataSample]): Two frames each, with
                ``key_frames_inds`` (the query) and ``ref_frames_inds`` (the
                guidance) in their metainfo.

        Returns:
            dict: Mask R-CNN losses of the query frames (with
            ``train_cfg.detect_guidance_frames``: of both frames) plus
            ``loss_prop``.
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
        # one backbone pass over both frames of every pair
        feats = self.extract_frame_feats(frames)
        query_feats, guide_feats = feats.split(len(data_samples))
        query_samples = [s[i] for s, i in zip(data_samples, query_inds)]
        guide_samples = [s[i] for s, i in zip(data_samples, guide_inds)]

        if self.train_cfg.get('detect_guidance_frames', False):
            losses = self.detection_loss(feats.fpn,
                                         query_samples + guide_samples)
        else:
            losses = self.detection_loss(query_feats.fpn, query_samples)
        losses.update(
            self.prop_loss(query_feats, guide_feats, query_samples,
                           guide_samples))
        return losses

    def detection_loss(self, fpn: Tuple[Tensor, ...],
                       samples: SampleList) -> dict:
        """Mask R-CNN's losses (RPN, bbox, mask) of frames' FPN features:
        ``TwoStageDetector.loss`` after its ``extract_feat``; in fp32 under
        autocast (mixed-precision training), as at test time."""
        proposal_cfg = self.train_cfg.get('rpn_proposal', self.test_cfg.rpn)
        rpn_samples = copy.deepcopy(samples)
        for sample in rpn_samples:  # class-agnostic RPN targets
            sample.gt_instances.labels = torch.zeros_like(
                sample.gt_instances.labels)
        with full_precision(fpn[0].device):
            fpn = fp32_contiguous(fpn)
            rpn_losses, proposals = self.rpn_head.loss_and_predict(
                fpn, rpn_samples, proposal_cfg=proposal_cfg)
            losses = {
                key if 'rpn' in key or 'loss' not in key else f'rpn_{key}':
                value
                for key, value in rpn_losses.items()
            }
            losses.update(self.roi_head.loss(fpn, proposals, samples))
        return losses

    def prop_loss(self, query_feats: FrameFeatures, guide_feats: FrameFeatures,
                  query_samples: SampleList,
                  guide_samples: SampleList) -> dict:
        """Propagation loss of the instances shared by each pair.

        The prop head picks the instances (:meth:`SeqPropHead.get_targets`);
        their guidance masks are the mask head's estimates on the guidance
        frames' ground-truth boxes (or the ground truth, as the head's
        ``train_cfg`` says).
        """
        targets = self.prop_head.get_targets(query_samples, guide_samples)
        if not len(targets.pair_inds):
            # keep every head parameter in the graph (DDP) with a zero loss
            return dict(
                loss_prop=sum(p.sum()
                              for p in self.prop_head.parameters()) * 0)
        if self.prop_head.guidance == 'ground_truth':
            guide_masks = torch.cat(targets.guide_masks)
        else:
            guide_masks = self.estimate_guidance_masks(
                guide_feats.fpn, targets.guide_boxes, targets.guide_labels,
                query_samples[0].batch_input_shape)
        query = self.prop_head.encode_query(query_feats.fpn[0],
                                            *query_feats.skips)
        return self.prop_head.loss(guide_feats.fpn[0], guide_masks, query,
                                   targets)

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
        with full_precision(rois.device):
            mask_preds = self.roi_head._mask_forward(
                fp32_contiguous(fpn), rois)['mask_preds']
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

    def detect_key_frame(self, feats: FrameFeatures,
                         sample: DetDataSample) -> InstanceData:
        """Mask R-CNN on one frame's features: its top O instances.

        The top ``test_cfg.rcnn.max_per_img`` (O) detections above
        ``test_cfg.rcnn.score_thr``, in ``test_cfg.key_frame_order``
        (highest score first by default), without the duplicates
        ``test_cfg.key_frame_mask_nms`` removes (:func:`mask_nms`).

        Args:
            feats (FrameFeatures): The frame's features (batch of one).
            sample (DetDataSample): The frame (``img_shape``,
                ``batch_input_shape``).

        Returns:
            InstanceData: ``masks`` (O, H, W) bool at the padded input size
            (zero outside ``img_shape``), ``scores`` (O, ), ``labels`` (O, ).
        """
        device = feats.fpn[0].device
        with timed_stage('detection', device), full_precision(device):
            fpn = fp32_contiguous(feats.fpn)
            proposals = self.rpn_head.predict(fpn, [sample], rescale=False)
            result = self._detect_in_order(fpn, proposals, sample)
            iou_thr = (self.test_cfg or {}).get('key_frame_mask_nms')
            if iou_thr is not None and len(result) > 1:
                result = result[mask_nms(result.masks, iou_thr)]
            masks = result.masks.new_zeros(
                (len(result), *sample.batch_input_shape))
            if len(result):
                # without detections mmdet's (0, h, w) masks are at the
                # original size, which an upscaled input does not have
                height, width = sample.img_shape[:2]
                masks[:, :height, :width] = result.masks[:, :height, :width]
            return InstanceData(
                masks=masks, scores=result.scores, labels=result.labels)

    def _detect_in_order(self, fpn: Tuple[Tensor,
                                          ...], proposals: List[InstanceData],
                         sample: DetDataSample) -> InstanceData:
        """The RoI head's detections and masks in ``key_frame_order``."""
        metas = [sample.metainfo]
        rcnn_cfg = self.roi_head.test_cfg
        if (self.test_cfg or {}).get('key_frame_order') == 'class_grouped':
            # one more than max_per_img tells whether more survived the NMS
            wider = copy.deepcopy(rcnn_cfg)
            wider.max_per_img += 1
            result = self.roi_head.predict_bbox(
                fpn, metas, proposals, wider, rescale=False)[0]
            result = multiclass_nms_order(result, rcnn_cfg.max_per_img)
        else:
            result = self.roi_head.predict_bbox(
                fpn, metas, proposals, rcnn_cfg, rescale=False)[0]
            result = result[result.scores.argsort(descending=True)]
        return self.roi_head.predict_mask(
            fpn, metas, [result], rescale=False)[0]

    def classify_masks(self, feats: FrameFeatures, masks: Tensor) -> Tensor:
        """Class probabilities of masks: :meth:`classify_boxes` on their
        tight boxes.

        Args:
            feats (FrameFeatures): The frame's features (batch of one).
            masks (Tensor): (N, h, w) bool non-empty masks.

        Returns:
            Tensor: (N, C) class probabilities.
        """
        with timed_stage('boxes', masks.device):
            boxes = mask_boxes(masks)
        return self.classify_boxes(feats, boxes, masks.shape[-2:])

    def classify_boxes(self, feats: FrameFeatures, boxes: Tensor,
                       mask_size: Tuple[int, int]) -> Tensor:
        """Class probabilities of masks from their tight boxes: the bbox
        head on each box grown by one pixel (the authors' code).

        The grown box is clamped to the masks' frame and put in the
        convention of the RoI extractor (ending after its last pixel, or at
        it where the extractor has ``inclusive_boxes``); paper Eq. 2 averages
        these probabilities over a sequence's frames.

        Args:
            feats (FrameFeatures): The frame's features (batch of one).
            boxes (Tensor): (N, 4) tight (x1, y1, x2, y2) boxes of N
                non-empty masks, ending after their last pixel
                (:func:`mmpr.structures.mask_boxes`, or the RLEs' boxes).
            mask_size (tuple[int, int]): (h, w) of the masks.

        Returns:
            Tensor: (N, C) class probabilities (the softmax over the C
            classes and the background, without the background).
        """
        device = feats.fpn[0].device
        with timed_stage('classification', device), full_precision(device):
            boxes = boxes.to(device, torch.float32, copy=True)
            boxes[:, :2] -= 1
            boxes[:, 2:] += 1
            height, width = mask_size
            boxes[:, 0::2] = boxes[:, 0::2].clamp(0, width)
            boxes[:, 1::2] = boxes[:, 1::2].clamp(0, height)
            if getattr(self.roi_head.bbox_roi_extractor, 'inclusive_boxes',
                       False):
                # old mmdet's boxes end at their last pixel (the authors'
                # mask2box; MMDetV05RoIExtractor)
                boxes[:, 2:] -= 1
            rois = bbox2roi([boxes])
            fpn = fp32_contiguous(feats.fpn)
            cls_score = self.roi_head._bbox_forward(fpn, rois)['cls_score']
            return cls_score.softmax(dim=-1)[:, :-1]

    def encode_memory(self, feats: FrameFeatures,
                      masks: Tensor) -> Tuple[Tensor, Tensor]:
        """A memory entry of O instances on one frame: the prop head's
        ``encode_memory`` of its P2 and the (O, H, W) masks (bool) or
        foreground probabilities.

        Returns:
            tuple[Tensor, Tensor]: (O, Ck, h', w') keys and (O, Cv, h', w')
            values.
        """
        p2 = feats.fpn[0]
        return self.prop_head.encode_memory(
            p2.expand(len(masks), -1, -1, -1), masks.float())

    def encode_query(self, feats: FrameFeatures) -> QueryFeatures:
        """The prop head's query encoding of N frames (P2, C2, C3), shared by
        every instance read into them."""
        return self.prop_head.encode_query(feats.fpn[0], *feats.skips)

    def segment(self, memories: Sequence[Tuple[Tensor,
                                               Tensor]], query: QueryFeatures,
                chunk_size: int, read_budget: int) -> List[Tensor]:
        """The prop head's ``segment``: per memory, the (O, H, W) foreground
        probabilities of its instances on the query frame."""
        return self.prop_head.segment(
            memories, query, chunk_size=chunk_size, read_budget=read_budget)

    def predict(self,
                inputs: Union[Tensor, Sequence[Sequence[Tensor]]],
                data_samples: TrackSampleList,
                rescale: bool = True) -> TrackSampleList:
        """Instance sequences of one whole video.

        Args:
            inputs (Tensor | list): One video of normalised, padded float
                frames: [:class:`NormalisedFrames`] (T frames normalised when
                read), as :class:`VideoDataPreprocessor` gives it at test
                time, or (1, T, C, H, W).
            data_samples (list[TrackDataSample]): Its frames.
            rescale (bool): Masks at the original frame size (else at the
                resized input size). Defaults to True.

        Returns:
            list[TrackDataSample]: ``data_samples`` with ``pred_sequences``,
            the video's :class:`InstanceSequences` after reduction, highest
            score first (``frame_instances(t)`` gives mmdet's per-frame
            ``pred_track_instances``).
        """
        if len(inputs) != 1:
            raise ValueError('SeqMaskRCNN.predict takes one video per batch '
                             f'(batch_size=1), got {len(inputs)}')
        frames = list(data_samples[0])
        # under autocast, the backbone's, the FPN's and the prop head's
        # convolutions run channels-last (on the tensor cores / AMX) for
        # this call
        with channels_last(
                self.backbone,
                self.neck,
                self.prop_head,
                enabled=is_autocast_on(self.data_preprocessor.device)):
            proposals = self.propagator.propose(self, inputs[0], frames)
        with timed_stage('reduction'):
            sequences = self.reducer(proposals)
        with timed_stage('output'):
            sequences = sequences.crop(frames[0].img_shape[:2])
            if rescale:
                sequences = sequences.resize(
                    frames[0].ori_shape[:2],
                    mode=(self.test_cfg or {}).get('output_resize', 'opencv'))
        data_samples[0].pred_sequences = sequences
        return data_samples
