"""Propose-Reduce from ground-truth key-frame masks: detection or tracking?

    python tools/analysis_tools/propagate_ground_truth.py CONFIG CKPT \
        work_dirs/demo/data/youtube_vis_2019/valid.json \
        work_dirs/demo/data/youtube_vis_2019/valid/JPEGImages \
        --out work_dirs/gt_key_frames.json
    python tools/analysis_tools/objects_followed.py \
        work_dirs/gt_key_frames.json \
        work_dirs/demo/data/youtube_vis_2019/valid.json

Runs the model's memory K-propagation and sequence reduction as
``tools/test.py`` does, except that on each key frame the sequences start
from the ground-truth masks of the objects visible there (labelled with
their category, score 1) instead of the detector's. The classification of
the propagated masks, hence the sequence scores, stays the model's. An
object lost here is lost by the propagation, whatever the detector finds;
compare with the results of ``tools/test.py --out`` on the same videos.
ANN_FILE is a YouTube-VIS json with ``annotations`` (the toy valid split
has them) and IMG_DIR the folder of its ``file_names``. Writes official
result records to --out.
"""
import argparse
import json
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData
from pycocotools import mask as mask_utils
from render_results import load_json
from torch import Tensor

from mmpr.apis import (PipelineFrames, build_video_pipeline, init_model,
                       open_video)
from mmpr.models.detectors import FrameFeatures
from mmpr.models.heads import QueryFeatures
from mmpr.structures.rle import from_record, resize_rle
from mmpr.utils import CheckpointError


class GroundTruthKeyFrames:
    """A :class:`ProposeModel` whose key-frame detections are ground-truth
    masks.

    Every other step of the door (features, memory, query, segmentation,
    classification) is the model's.

    Args:
        model (SeqMaskRCNN): The model.
        objects (Sequence[tuple[int, Sequence[dict | None]]]): Per object,
            its 0-based label and T RLE masks at the frames' original size.
    """

    def __init__(self, model,
                 objects: Sequence[Tuple[int, Sequence[Optional[dict]]]]):
        self.model = model
        self.objects = objects

    @property
    def num_classes(self) -> int:
        return self.model.num_classes

    def extract_frame_feats(self, imgs: Tensor) -> FrameFeatures:
        return self.model.extract_frame_feats(imgs)

    def classify_boxes(self, feats: FrameFeatures, boxes: Tensor,
                       mask_size: Tuple[int, int]) -> Tensor:
        return self.model.classify_boxes(feats, boxes, mask_size)

    def encode_memory(self, feats: FrameFeatures,
                      masks: Tensor) -> Tuple[Tensor, Tensor]:
        return self.model.encode_memory(feats, masks)

    def encode_query(self, feats: FrameFeatures) -> QueryFeatures:
        return self.model.encode_query(feats)

    def segment(self, memories: Sequence[Tuple[Tensor,
                                               Tensor]], query: QueryFeatures,
                chunk_size: int, read_budget: int) -> List[Tensor]:
        return self.model.segment(memories, query, chunk_size, read_budget)

    def detect_key_frame(self, feats, sample: DetDataSample) -> InstanceData:
        """The (O, H, W) masks of the objects visible on the frame, at the
        padded input size, score 1, with their labels."""
        t = sample.metainfo['frame_id']
        height, width = sample.img_shape[:2]
        masks, labels = [], []
        for label, rles in self.objects:
            rle = from_record(rles[t])
            rle = None if rle is None else resize_rle(rle, (height, width))
            if rle is None:
                continue
            masks.append(torch.from_numpy(mask_utils.decode(rle)).bool())
            labels.append(label)
        padded = torch.zeros((len(masks), *sample.batch_input_shape),
                             dtype=torch.bool)
        for i, mask in enumerate(masks):
            padded[i, :height, :width] = mask
        return InstanceData(
            masks=padded.to(feats.device),
            scores=torch.ones(len(masks)),
            labels=torch.tensor(labels, dtype=torch.long))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Propose-Reduce from ground-truth key-frame masks')
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('ann_file', help='YouTube-VIS json with annotations')
    parser.add_argument('img_dir', help='folder of the json\'s file_names')
    parser.add_argument('--out', required=True, help='results json to write')
    parser.add_argument(
        '--device', default='cpu', help='device (default: cpu)')
    return parser.parse_args()


def video_records(model, video: dict, objects: List[dict], img_dir: str,
                  category_score_thr: float) -> List[dict]:
    """Result records of one video from ground-truth key-frame masks."""
    frames = PipelineFrames(
        open_video([osp.join(img_dir, name) for name in video['file_names']]),
        build_video_pipeline(model.cfg))
    data = model.data_preprocessor(
        dict(inputs=[frames], data_samples=[frames.video_sample()]), False)
    samples = list(data['data_samples'][0])
    oracle = GroundTruthKeyFrames(model,
                                  [(o['category_id'] - 1, o['segmentations'])
                                   for o in objects])
    with torch.no_grad():
        proposals = model.propagator.propose(oracle, data['inputs'][0],
                                             samples)
    sequences = model.reducer(proposals).resize(samples[0].ori_shape[:2])
    return sequences.to_records(video['id'], category_score_thr)


def main() -> None:
    args = parse_args()
    ann = load_json(args.ann_file, 'annotation file')
    if not ann.get('annotations'):
        raise SystemExit(f'error: {args.ann_file} has no annotations; pass '
                         'the json of a split with ground truth (e.g. the '
                         'toy valid.json)')
    try:
        model = init_model(args.config, args.checkpoint, args.device)
    except (FileNotFoundError, CheckpointError) as error:
        raise SystemExit(f'error: {error}')
    evaluator = model.cfg.get('test_evaluator') or {}
    category_score_thr = evaluator.get('category_score_thr', 0.05)
    records = []
    for video in ann['videos']:
        objects = [
            o for o in ann['annotations'] if o['video_id'] == video['id']
        ]
        try:
            records += video_records(model, video, objects, args.img_dir,
                                     category_score_thr)
        except FileNotFoundError as error:
            raise SystemExit(f'error: {error}; is {args.img_dir} the folder '
                             f'of the file_names of {args.ann_file}?')
        print(f"video {video['id']}: {len(objects)} objects, "
              f"{video['length']} frames")
    with open(args.out, 'w') as f:
        json.dump(records, f)
    print(f'{len(records)} records -> {args.out}')


if __name__ == '__main__':
    main()
