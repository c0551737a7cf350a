# The CPU-sized Seq Mask R-CNN of the toy configs: ResNet-18, narrow FPN and
# heads, no pretrained weights (none can be downloaded on CI machines). The
# paper starts from a COCO Mask R-CNN; from scratch, within minutes, the
# propagation head only learns instance identity with the settings marked
# "from scratch" below (measured: docs/benchmarks.md, toy training).
_base_ = './seq-mask-rcnn_r50_fpn.py'

model = dict(
    backbone=dict(
        depth=18,
        frozen_stages=-1,  # random weights: train every stage
        norm_eval=False,
        init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=3),
        mask_roi_extractor=dict(out_channels=64),
        mask_head=dict(in_channels=64, conv_out_channels=64, num_classes=3)),
    prop_head=dict(
        type='ScratchSeqPropHead',  # what training from scratch needs
        in_channels=64,
        skip_channels=(64, 128),
        memory_channels=128,
        key_channels=32,
        value_channels=64,
        decoder_channels=64,
        # from scratch: start every pixel at a low foreground probability,
        prior_prob=0.01,
        # give memory reads a direct signal (the mask in the values), match
        # keys by cosine similarity (sharp attention at initialisation) and
        # start the query encoder as a copy of the memory encoder
        value_with_mask=True,
        affinity='cosine',
        init_query_from_memory=True),
    # from scratch: propagate ground-truth guidance masks (the paper uses
    # the mask head's estimates, which are noise for the first iterations)
    train_cfg=dict(prop=dict(guidance='ground_truth')))
