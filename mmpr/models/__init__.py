"""Models of mmpr: Seq Mask R-CNN and its heads."""
