import json
import os.path as osp

from mmengine.config import Config
from pycocotools import mask as mask_utils

from mmpr.models.propagators.memory_k_propagator import select_key_frames
from mmpr.structures.rle import from_record

TOOL = 'analysis_tools/propagate_ground_truth.py'
CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'


def test_sequences_start_from_the_ground_truth_on_key_frames(
        run_tool, toy_root, toy_checkpoints, repo_root, tmp_path):
    vis_root = osp.join(toy_root, 'youtube_vis_2019')
    ann_file = osp.join(vis_root, 'valid.json')
    out = tmp_path / 'gt_key_frames.json'
    done = run_tool(
        TOOL,
        osp.join(repo_root, CONFIG),
        toy_checkpoints['seq'],
        ann_file,
        osp.join(vis_root, 'valid', 'JPEGImages'),
        '--out',
        str(out),
        MMPR_TOY_DATA=toy_root)
    assert done.returncode == 0, done.stderr
    records = json.loads(out.read_text())
    with open(ann_file) as f:
        ann = json.load(f)
    propagator = Config.fromfile(osp.join(repo_root, CONFIG)).model.propagator
    for video in ann['videos']:
        first_key_frame = select_key_frames(video['length'],
                                            propagator.num_key_frames,
                                            propagator.key_frame_mode)[0]
        masks = [
            from_record(r['segmentations'][first_key_frame]) for r in records
            if r['video_id'] == video['id']
        ]
        masks = [m for m in masks if m is not None]
        for obj in ann['annotations']:
            gt = from_record(obj['segmentations'][first_key_frame])
            if obj['video_id'] != video['id'] or gt is None:
                continue
            # the untrained model's detector finds nothing like this; the
            # ground truth is the key frame's mask
            assert mask_utils.iou(masks, [gt], [0]).max() > 0.9


def test_annotation_file_without_ground_truth_is_a_one_line_error(
        run_tool, assert_one_line_error, toy_root, toy_checkpoints, repo_root,
        tmp_path):
    ann_file = osp.join(toy_root, 'youtube_vis_2019', 'valid.json')
    with open(ann_file) as f:
        ann = json.load(f)
    no_gt = tmp_path / 'no_gt.json'
    no_gt.write_text(json.dumps(dict(ann, annotations=[])))
    assert_one_line_error(
        run_tool(TOOL, osp.join(repo_root, CONFIG), toy_checkpoints['seq'],
                 str(no_gt), str(tmp_path), '--out', str(tmp_path / 'o.json')),
        'has no annotations')
