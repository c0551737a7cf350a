"""Soft aggregation of the instances of one frame (supplement Eq. 4)."""
import torch
from torch import Tensor


def soft_aggregate(probs: Tensor, eps: float = 1e-7) -> Tensor:
    """Let the instances of one frame compete for pixels (supplement Eq. 4).

    The background probability is prod_k (1 - p_k); every map is turned into
    odds p / (1 - p), and each pixel's odds are normalised over background
    plus instances.

    Args:
        probs (Tensor): (K, ...) foreground probabilities of K instances.
        eps (float): Clamp of the probabilities before taking odds.

    Returns:
        Tensor: (K + 1, ...) probabilities summing to 1 over dim 0 at every
        position; index 0 is the background.
    """
    background = torch.prod(1 - probs, dim=0, keepdim=True)
    stacked = torch.cat([background, probs]).clamp(eps, 1 - eps)
    return torch.logit(stacked).softmax(dim=0)
