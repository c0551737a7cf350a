"""The sequence propagation (Seq-Prop) head of Seq Mask R-CNN.

Paper Sec. 3.1.3, Fig. 4 and supplement Fig. 8, Eq. 4, Eq. 5. A space-time
memory reader on Mask R-CNN's features: a guidance frame's P2 and a soft
instance mask are encoded into a memory entry (key, value); a query frame's P2
is encoded into a query (key, value); a non-local read gives each query
position a mix of memory values; a decoder refines the read-out with the query
frame's backbone C3 and C2 into a foreground probability per instance.

Shape shorthand: K instances (memory entries, one soft mask each), M memory
frames per instance, F query frames, C/Ck/Cv channels, (H, W) the padded input
size, (h, w) the P2 size (H/4, W/4) and (h', w') the memory grid (H/16,
W/16).
"""
import math
from typing import List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmdet.structures import SampleList
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpr.models.layers import (RefineBlock, ResBlock, soft_aggregate,
                                stride16_encoder)
from mmpr.registry import MODELS
from mmpr.utils import check_choice


class QueryFeatures(NamedTuple):
    """Everything the head computes from the query frames alone.

    Attributes:
        key (Tensor): (F, Ck, h', w') query keys.
        value (Tensor): (F, Cv, h', w') query values.
        skip3 (Tensor): (F, Cd, H/8, W/8) encoded C3.
        skip2 (Tensor): (F, Cd, H/4, W/4) encoded C2.
    """
    key: Tensor
    value: Tensor
    skip3: Tensor
    skip2: Tensor

    def index(self, frame_inds: Tensor) -> 'QueryFeatures':
        """The features of ``frame_inds`` (K, ), one row per instance."""
        return QueryFeatures(*(x[frame_inds] for x in self))

    def rows(self, start: int, stop: int) -> 'QueryFeatures':
        """Rows ``start:stop``; all of a query shared by every instance."""
        if len(self.key) == 1:
            return self
        return QueryFeatures(*(x[start:stop] for x in self))


class PropTargets(NamedTuple):
    """What the propagation loss of a batch of frame pairs needs.

    The K guidance instances are the instances of each guidance frame that
    are also in its query frame with a non-empty mask, grouped by pair.

    Attributes:
        guide_boxes (list[Tensor]): Per pair with instances, (k, 4) boxes
            of its guidance instances in the guidance frame.
        guide_labels (list[Tensor]): Per pair with instances, (k, ) labels.
        guide_masks (list[Tensor]): Per pair with instances, (k, H, W)
            ground-truth guidance masks (float); empty unless the guidance is
            ``'ground_truth'``.
        target_masks (Tensor): (K, H, W) float query-frame masks of the same
            instances.
        pair_inds (Tensor): (K, ) pair of each instance, non-decreasing.
    """
    guide_boxes: List[Tensor]
    guide_labels: List[Tensor]
    guide_masks: List[Tensor]
    target_masks: Tensor
    pair_inds: Tensor


@MODELS.register_module()
class SeqPropHead(BaseModule):
    """Propagate soft instance masks from a memory to a query frame.

    Training: ``get_targets()`` picks the instances a pair shares, then
    ``loss()``. Inference calls the steps one by one so that work that does
    not depend on the guidance is done once per frame: ``encode_query`` (per
    query frame), ``encode_memory`` (per memory entry), then ``segment``
    (memory read, decode and :func:`soft_aggregate` over the instances of one
    frame), which ``loss()`` runs too.

    The paper's head, which starts from a COCO Mask R-CNN; what training from
    scratch adds is :class:`ScratchSeqPropHead`.

    Args:
        in_channels (int): Channels of P2 (the FPN output). Defaults to 256.
        skip_channels (Sequence[int]): Channels of the backbone's C2 and C3.
            Defaults to (256, 512) (ResNet-50).
        memory_channels (int): Width of the 1/16 encoders. Defaults to 512.
        key_channels (int): Key width. Defaults to 64.
        value_channels (int): Value width. Defaults to 256.
        decoder_channels (int): Decoder width. Defaults to 256.
        loss_prop (dict): The propagation loss, applied to the aggregated
            probabilities. Defaults to the scale-balanced soft IoU loss.
        train_cfg (dict, optional): ``max_objects`` (most guidance
            instances per pair, more are sampled at random as in the
            authors' code; default 5) and ``guidance``: the guidance masks
            are the mask head's estimates (``'predicted'``, the paper, the
            default) or the ground truth (``'ground_truth'``, for a model
            trained from scratch, whose mask head is not yet usable).
        init_cfg (dict, optional): Initialisation config. Defaults to None
            (PyTorch's default initialisation, as the authors' code).
    """

    def __init__(self,
                 in_channels: int = 256,
                 skip_channels: Sequence[int] = (256, 512),
                 memory_channels: int = 512,
                 key_channels: int = 64,
                 value_channels: int = 256,
                 decoder_channels: int = 256,
                 loss_prop: ConfigType = dict(
                     type='SoftIoULoss', loss_weight=1.0),
                 train_cfg: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        train_cfg = dict(train_cfg or {})
        self.max_objects = train_cfg.pop('max_objects', 5)
        self.guidance = train_cfg.pop('guidance', 'predicted')
        if train_cfg:
            raise ValueError(f'unknown train_cfg.prop keys {sorted(train_cfg)}'
                             '; known: max_objects, guidance')
        check_choice('SeqPropHead', 'train_cfg.prop.guidance', self.guidance,
                     ('predicted', 'ground_truth'))
        if self.max_objects < 1:
            raise ValueError('train_cfg.prop.max_objects must be >= 1, got '
                             f'{self.max_objects}')
        # guidance (memory) encoder: mask -> P2 width, added to P2
        self.mask_encoder = nn.Conv2d(1, in_channels, 7, padding=3)
        self.memory_encoder = stride16_encoder(in_channels, memory_channels)
        self.memory_key = self.memory_key_layer(memory_channels, key_channels)
        self.memory_value = nn.Conv2d(memory_channels, value_channels, 1)
        # query encoder: same shape, own weights
        self.query_encoder = stride16_encoder(in_channels, memory_channels)
        self.query_key = nn.Conv2d(memory_channels, key_channels, 1)
        self.query_value = nn.Conv2d(memory_channels, value_channels, 1)
        # decoder
        self.fuse = nn.Conv2d(
            2 * value_channels + self.extra_value_channels,
            decoder_channels,
            3,
            padding=1)
        self.fuse_block = ResBlock(decoder_channels)
        self.refine3 = RefineBlock(skip_channels[1], decoder_channels)
        self.refine2 = RefineBlock(skip_channels[0], decoder_channels)
        self.predictor = nn.Conv2d(decoder_channels, 2, 3, padding=1)
        self.loss_prop = MODELS.build(loss_prop)

    # the layers a subclass may build otherwise (ScratchSeqPropHead)
    extra_value_channels = 0  # memory value channels beyond value_channels

    def memory_key_layer(self, memory_channels: int,
                         key_channels: int) -> Optional[nn.Module]:
        """The memory key conv (None: keys from elsewhere)."""
        return nn.Conv2d(memory_channels, key_channels, 1)

    def encode_memory(self, p2: Tensor,
                      masks: Tensor) -> Tuple[Tensor, Tensor]:
        """Encode memory entries from guidance features and soft masks.

        Args:
            p2 (Tensor): (K, C, h, w) P2 of each entry's frame (expand one
                frame's P2 to K entries without copying).
            masks (Tensor): (K, H, W) soft masks in [0, 1], at any size; they
                are resized to P2.

        Returns:
            tuple[Tensor, Tensor]: Keys (K, Ck, h', w') and values
            (K, Cv, h', w').
        """
        encoded, _ = self.encode_guidance(p2, masks)
        return self.memory_key(encoded), self.memory_value(encoded)

    def encode_guidance(self, p2: Tensor,
                        masks: Tensor) -> Tuple[Tensor, Tensor]:
        """The memory encoder on P2 plus the encoded masks: (K, Cm, h', w'),
        and the masks resized to P2 (K, 1, h, w)."""
        masks = F.interpolate(
            masks[:, None].to(p2.dtype),
            size=p2.shape[-2:],
            mode='bilinear',
            align_corners=False)
        return self.memory_encoder(p2 + self.mask_encoder(masks)), masks

    def encode_query(self, p2: Tensor, c2: Tensor,
                     c3: Tensor) -> QueryFeatures:
        """Encode query frames: all the work that ignores the guidance.

        Args:
            p2 (Tensor): (F, C, h, w) P2 of the query frames.
            c2 (Tensor): (F, C2, H/4, W/4) backbone C2.
            c3 (Tensor): (F, C3, H/8, W/8) backbone C3.
        """
        x = self.query_encoder(p2)
        return QueryFeatures(
            key=self.query_key(x),
            value=self.query_value(x),
            skip3=self.refine3.encode_skip(c3),
            skip2=self.refine2.encode_skip(c2))

    def read_memory(self, memory_keys: Tensor, memory_values: Tensor,
                    query_key: Tensor) -> Tensor:
        """Space-time memory read: softmax over all memory positions of
        :meth:`affinity_logits`.

        Args:
            memory_keys (Tensor): (K, Ck, M, h', w').
            memory_values (Tensor): (K, Cv, M, h', w').
            query_key (Tensor): (K, Ck, h', w') or (1, Ck, h', w').

        Returns:
            Tensor: (K, Cv, h', w') read-out.
        """
        num = memory_keys.shape[0]
        height, width = query_key.shape[-2:]
        keys = memory_keys.flatten(2).transpose(1, 2)  # (K, M h' w', Ck)
        query = query_key.flatten(2).expand(num, -1, -1)  # (K, Ck, h' w')
        affinity = self.affinity_logits(keys, query).softmax(dim=1)
        readout = torch.bmm(memory_values.flatten(2), affinity)
        return readout.view(num, -1, height, width)

    def affinity_logits(self, keys: Tensor, query: Tensor) -> Tensor:
        """The affinity of memory key k and query key q, ``q.k / sqrt(Ck)``
        (the paper).

        Args:
            keys (Tensor): (K, N, Ck) memory keys of N positions.
            query (Tensor): (K, Ck, P) query keys of P positions.

        Returns:
            Tensor: (K, N, P) logits.
        """
        # scaled before the product: under fp16 autocast the products of
        # large keys and queries would overflow first
        return torch.bmm(keys, query * (1 / math.sqrt(keys.shape[2])))

    def decode(self, readout: Tensor, query: QueryFeatures) -> Tensor:
        """Decode read-outs into foreground probabilities.

        Args:
            readout (Tensor): (K, Cv, h', w').
            query (QueryFeatures): Features with K rows (one per read-out) or
                one row shared by all K.

        Returns:
            Tensor: (K, H, W) foreground probabilities at the input size.
        """
        value = query.value.expand(readout.size(0), -1, -1, -1)
        x = self.fuse_block(self.fuse(torch.cat([readout, value], dim=1)))
        x = self.refine3(query.skip3, x)
        x = self.refine2(query.skip2, x)
        logits = self.predictor(F.relu(x))  # (K, 2, H/4, W/4)
        logits = F.interpolate(
            logits, scale_factor=4, mode='bilinear', align_corners=False)
        return logits.softmax(dim=1)[:, 1]

    def segment(self,
                memories: Sequence[Tuple[Tensor, Tensor]],
                query: QueryFeatures,
                chunk_size: Optional[int] = None,
                read_budget: Optional[int] = None) -> List[Tensor]:
        """Segment the instances of G memories in their query frames.

        Memory read, decode, then :func:`soft_aggregate` over the instances
        of each memory, which compete for the pixels of one frame.

        Args:
            memories (Sequence[tuple[Tensor, Tensor]]): Per group, keys
                (K_g, Ck, M_g, h', w') and values (K_g, Cv, M_g, h', w').
            query (QueryFeatures): One row shared by all instances, or one
                row per instance (sum K_g rows, in group order).
            chunk_size (int, optional): Most instances decoded at once
                (bounds the decoder's activations). Defaults to all.
            read_budget (int, optional): Most bytes of one read's affinity
                matrix; the instances of a memory are read in chunks that
                fit. Defaults to no bound.

        Returns:
            list[Tensor]: Per group, (K_g, H, W) foreground probabilities.
        """
        readouts, offset = [], 0
        for keys, values in memories:
            chunk = len(keys)
            if read_budget is not None:
                entry_bytes = (
                    keys[0, 0].numel() * query.key[0, 0].numel() *
                    keys.element_size())
                chunk = max(1, read_budget // max(entry_bytes, 1))
            for start in range(0, len(keys), chunk):
                stop = min(start + chunk, len(keys))
                readouts.append(
                    self.read_memory(
                        keys[start:stop], values[start:stop],
                        query.rows(offset + start, offset + stop).key))
            offset += len(keys)
        readouts = torch.cat(readouts)
        chunk_size = chunk_size or len(readouts)
        probs = torch.cat([
            self.decode(readouts[start:start + chunk_size],
                        query.rows(start, start + chunk_size))
            for start in range(0, len(readouts), chunk_size)
        ])
        return [
            soft_aggregate(group)[1:]
            for group in probs.split([len(keys) for keys, _ in memories])
        ]

    def get_targets(self, query_samples: SampleList,
                    guide_samples: SampleList) -> PropTargets:
        """The guidance instances of N frame pairs and their targets.

        An instance of a guidance frame counts when its id is in the query
        frame with a non-empty mask; at most ``max_objects`` per pair,
        sampled at random beyond.

        Args:
            query_samples (list[DetDataSample]): N query frames with
                ``gt_instances`` (``masks``, ``instances_ids``).
            guide_samples (list[DetDataSample]): N guidance frames.
        """
        boxes, labels, guide_masks, targets, pair_inds = [], [], [], [], []
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
            if len(shared) > self.max_objects:
                keep = torch.randperm(len(shared))[:self.max_objects]
                shared = [shared[k] for k in sorted(keep.tolist())]
            if not shared:
                continue
            shared_t = torch.as_tensor(shared, device=query_masks.device)
            boxes.append(guide_gt.bboxes[shared_t])
            labels.append(guide_gt.labels[shared_t])
            if self.guidance == 'ground_truth':
                guide_masks.append(guide_gt.masks[shared].to_tensor(
                    torch.float, query_masks.device))
            targets.append(query_masks[[
                query_ids[int(guide_gt.instances_ids[j])] for j in shared
            ]])
            pair_inds.extend([pair] * len(shared))
        device = query_samples[0].gt_instances.labels.device
        pad_h, pad_w = query_samples[0].batch_input_shape
        return PropTargets(
            boxes, labels, guide_masks,
            torch.cat(targets) if targets else torch.zeros(
                0, pad_h, pad_w, device=device),
            torch.as_tensor(pair_inds, dtype=torch.long, device=device))

    def loss(self, guidance_p2: Tensor, guidance_masks: Tensor,
             query: QueryFeatures, targets: PropTargets) -> dict:
        """Propagate guidance masks of frame pairs and score them.

        Args:
            guidance_p2 (Tensor): (N, C, h, w) P2 of N guidance frames.
            guidance_masks (Tensor): (K, H, W) soft guidance masks of the
                instances of ``targets``.
            query (QueryFeatures): Features of the N query frames.
            targets (PropTargets): From :meth:`get_targets`.

        Returns:
            dict: ``loss_prop``, averaged over all K (> 0) instances.
        """
        pair_inds = targets.pair_inds
        keys, values = self.encode_memory(guidance_p2[pair_inds],
                                          guidance_masks)
        counts: List[int] = torch.bincount(pair_inds).tolist()
        memories = [(k[:, :, None], v[:, :, None])
                    for k, v in zip(keys.split(counts), values.split(counts))
                    if len(k)]
        probs = self.segment(memories, query.index(pair_inds))
        return dict(
            loss_prop=self.loss_prop(
                torch.cat(probs).float(), targets.target_masks))
