"""The sequence propagation head with what training from scratch needs.

The paper's model starts from a COCO Mask R-CNN; the CPU-sized toy configs
train from scratch in minutes, which these switches make possible (docs:
docs/changelog.md, the demo recipe).
"""
import math
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import bias_init_with_prob
from torch import Tensor, nn

from mmpr.registry import MODELS
from mmpr.utils import check_choice
from .seq_prop_head import SeqPropHead


@MODELS.register_module()
class ScratchSeqPropHead(SeqPropHead):
    """:class:`SeqPropHead` with the switches of training from scratch.

    Args:
        affinity (str): Memory read affinity, ``'dot'`` (scaled dot product,
            the paper and the authors' code), ``'l2'`` (negative squared
            distance, as STCN) or ``'cosine'`` (cosine similarity over
            ``temperature``: sharp from initialisation, for training from
            scratch); see :meth:`affinity_logits`. Defaults to 'dot'.
        temperature (float): Softmax temperature of the cosine affinity.
            Defaults to 0.05.
        prior_prob (float, optional): Initial foreground probability of
            every pixel, set through the predictor's bias. A small prior
            speeds up training from scratch: the soft IoU loss barely pushes
            background pixels down from the 0.5 of a plain initialisation.
            Defaults to None (PyTorch's default, as the authors' code).
        value_with_mask (bool): Append the guidance mask, pooled to the
            memory grid, to the memory values, so that the read-out carries
            the attention-weighted mask. From the first iteration this gives
            the keys a direct signal (attend where the instance is), which a
            model trained from scratch needs; not in the paper, whose model
            starts from a COCO Mask R-CNN. Defaults to False.
        init_query_from_memory (bool): Start the query encoder and its key
            and value convs from the initial weights of the memory ones
            (trained apart afterwards), so that at initialisation a query
            key and a memory key of the same content match; with
            ``affinity='l2'`` the first memory reads already follow
            appearance. For training from scratch. Defaults to False.
        key_from_image (bool): Memory keys are the query encoder's keys of
            the guidance frame, from the image features alone (as STCN),
            instead of the memory encoder's keys of image plus mask (the
            paper, STM). A memory key and a query key of the same content
            are then equal from the first iteration, so with
            ``affinity='cosine'`` and ``value_with_mask`` the first reads
            already carry the mask to the matching query pixels. For
            training from scratch. Defaults to False.
        **kwargs: The arguments of :class:`SeqPropHead`.
    """

    def __init__(self,
                 affinity: str = 'dot',
                 temperature: float = 0.05,
                 prior_prob: Optional[float] = None,
                 value_with_mask: bool = False,
                 init_query_from_memory: bool = False,
                 key_from_image: bool = False,
                 **kwargs) -> None:
        check_choice('ScratchSeqPropHead', 'affinity', affinity,
                     ('dot', 'l2', 'cosine'))
        # read by SeqPropHead.__init__ when it builds the layers
        self.value_with_mask = value_with_mask
        self.key_from_image = key_from_image
        super().__init__(**kwargs)
        self.affinity = affinity
        self.temperature = temperature
        self.prior_prob = prior_prob
        self.init_query_from_memory = init_query_from_memory

    @property
    def extra_value_channels(self) -> int:
        """The pooled guidance mask, with ``value_with_mask``."""
        return int(self.value_with_mask)

    def memory_key_layer(self, memory_channels: int,
                         key_channels: int) -> Optional[nn.Module]:
        """None with ``key_from_image`` (the query key layers serve)."""
        if self.key_from_image:
            return None
        return super().memory_key_layer(memory_channels, key_channels)

    def init_weights(self) -> None:
        """``init_cfg``, then the settings no ``init_cfg`` may undo: the
        foreground prior and the query encoder copied from the memory's."""
        super().init_weights()
        with torch.no_grad():
            if self.prior_prob is not None:
                # the 2-class softmax gives p = sigmoid(b1 - b0)
                self.predictor.bias.copy_(
                    torch.tensor([0.0,
                                  bias_init_with_prob(self.prior_prob)]))
            if self.init_query_from_memory:
                for memory, query in ((self.memory_encoder,
                                       self.query_encoder), (self.memory_key,
                                                             self.query_key),
                                      (self.memory_value, self.query_value)):
                    if memory is not None:
                        query.load_state_dict(memory.state_dict())

    def encode_memory(self, p2: Tensor,
                      masks: Tensor) -> Tuple[Tensor, Tensor]:
        """:meth:`SeqPropHead.encode_memory`; the values (K, Cv + 1, h',
        w') with ``value_with_mask``, the keys the query key of the image
        with ``key_from_image``."""
        encoded, masks = self.encode_guidance(p2, masks)
        values = self.memory_value(encoded)
        if self.value_with_mask:
            values = torch.cat(
                [values,
                 F.adaptive_avg_pool2d(masks, encoded.shape[-2:])],
                dim=1)
        if self.key_from_image:
            return self.query_key(self.query_encoder(p2)), values
        return self.memory_key(encoded), values

    def affinity_logits(self, keys: Tensor, query: Tensor) -> Tensor:
        """``q.k / sqrt(Ck)`` (``'dot'``), ``(2 q.k - |k|^2) / sqrt(Ck)``
        (``'l2'``: the negative squared distance up to a constant per query,
        so large-norm keys do not draw all the attention) or ``cos(q, k) /
        temperature`` (``'cosine'``); (K, N, Ck) keys, (K, Ck, P) queries ->
        (K, N, P)."""
        if self.affinity == 'cosine':
            keys, query = F.normalize(keys, dim=2), F.normalize(query, dim=1)
            return torch.bmm(keys, query * (1 / self.temperature))
        logits = super().affinity_logits(keys, query)
        if self.affinity == 'l2':
            scale = 1 / math.sqrt(keys.shape[2])
            logits = 2 * logits - keys.pow(2).sum(2, keepdim=True) * scale
        return logits
