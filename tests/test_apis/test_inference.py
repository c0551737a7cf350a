import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils

from mmpr.apis import VideoResult, inference_video, init_model, read_video
from mmpr.utils import CheckpointError

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
# an untrained model proposes sequences once every detection is kept; one
# key frame of at most two detections keeps the runs short
SMALL_RUN = {
    'model.test_cfg.rcnn.score_thr': 0.0,
    'model.test_cfg.rcnn.max_per_img': 2,
    'model.propagator.num_key_frames': 1,
}
NUM_FRAMES = 8


@pytest.fixture(scope='module')
def frames(toy_video):
    return toy_video.frames


@pytest.fixture(scope='module')
def video_files(toy_video):
    return toy_video.mp4, toy_video.folder


@pytest.fixture(scope='module')
def model(repo_root):
    torch.manual_seed(0)
    return init_model(
        osp.join(repo_root, TOY_CONFIG), cfg_options=dict(SMALL_RUN))


def test_init_model_keeps_config_and_classes(model):
    assert not model.training
    assert model.cfg.model.test_cfg.rcnn.max_per_img == 2
    assert model.dataset_meta['classes'] == ('disc', 'square', 'triangle')


def test_init_model_reads_checkpoint_weights_and_classes(
        model, repo_root, tmp_path):
    checkpoint = str(tmp_path / 'model.pth')
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(CLASSES=('a', 'b', 'c')))), checkpoint)
    loaded = init_model(osp.join(repo_root, TOY_CONFIG), checkpoint)
    assert loaded.dataset_meta['classes'] == ('a', 'b', 'c')
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key


def test_init_model_refuses_checkpoints_that_do_not_fit(
        model, repo_root, tmp_path, toy_checkpoints):
    config = osp.join(repo_root, TOY_CONFIG)
    bad = tmp_path / 'results.json'
    bad.write_text('[]')
    with pytest.raises(CheckpointError, match='is not a PyTorch checkpoint'):
        init_model(config, str(bad))
    with pytest.raises(
            CheckpointError,
            match=r'is of another model: 0 of the 224 weights of config '
            f'{config} match'):
        init_model(config, toy_checkpoints['masktrack'])
    # the authors' layout: the roi heads at the top level
    theirs = str(tmp_path / 'theirs.pth')
    torch.save(
        dict(state_dict={
            k.replace('roi_head.', ''): v
            for k, v in model.state_dict().items()
        }), theirs)
    with pytest.raises(
            CheckpointError,
            match=r"authors' Propose-Reduce release .* convert it first: "
            r'python tools/model_converters/proposereduce_to_mmpr.py '):
        init_model(config, theirs)


@pytest.fixture(scope='module')
def result(model, frames):
    return inference_video(model, frames)


def test_folder_gives_the_sequences_of_the_arrays(model, result, video_files):
    assert result.num_frames == NUM_FRAMES
    assert result.sequences, 'the untrained model proposed nothing'
    scores = [s.score for s in result.sequences]
    assert scores == sorted(scores, reverse=True)
    score_thr = scores[len(scores) // 2]
    from_folder = inference_video(model, video_files[1], score_thr=score_thr)
    assert from_folder.to_records() == [
        r for r in result.to_records() if r['score'] >= score_thr
    ]


def test_mp4_records_are_official_youtube_vis_results(model, video_files):
    result = inference_video(model, video_files[0])
    assert result.num_frames == NUM_FRAMES
    records = json.loads(result.to_json(video_id=7))
    assert len(records) == len(result.sequences) > 0
    for record, sequence in zip(records, result.sequences):
        assert set(record) == {
            'video_id', 'score', 'category_id', 'segmentations'
        }
        assert record['video_id'] == 7
        assert record['category_id'] == sequence.label + 1
        assert sequence.category == model.dataset_meta['classes'][
            sequence.label]
        assert len(record['segmentations']) == NUM_FRAMES
        for rle, box in zip(record['segmentations'], sequence.bboxes):
            assert (rle is None) == (box is None)
            if rle is not None:
                assert isinstance(rle['counts'], str)
                assert mask_utils.decode(rle).shape == (112, 192)
                assert mask_utils.area(rle) > 0


def test_key_frames_and_mem_step_apply_to_one_call(model, frames, monkeypatch):
    propagator = model.propagator
    used = []
    propose = propagator.propose

    def spy(*args):
        used.append((propagator.num_key_frames, propagator.mem_step))
        return propose(*args)

    monkeypatch.setattr(propagator, 'propose', spy)
    result = inference_video(model, frames[:4], key_frames=2, mem_step=1)
    assert result.num_frames == 4
    assert used == [(2, 1)]
    assert (propagator.num_key_frames, propagator.mem_step) == (1, 5)
    with pytest.raises(ValueError, match='mem_step must be >= 1'):
        inference_video(model, frames, mem_step=0)
    with pytest.raises(ValueError, match='key_frames must be >= 0'):
        inference_video(model, frames, key_frames=-1)
    assert len(used) == 1


def test_records_round_trip(result):
    again = VideoResult.from_records(result.to_records(), NUM_FRAMES,
                                     result.classes)
    assert again.to_records() == result.to_records()
    for first, second in zip(result.sequences, again.sequences):
        assert first.category == second.category
        for box, other in zip(first.bboxes, second.bboxes):
            assert (box is None) == (other is None)
            if box is not None:
                assert np.allclose(box, other)
    for t in range(NUM_FRAMES):
        instances = again.frame_instances(t)
        assert len(instances) == sum(s.masks[t] is not None
                                     for s in again.sequences)
        assert instances.bboxes.shape == (len(instances), 4)


def test_bad_inputs_raise_one_line_errors(tmp_path, frames):
    with pytest.raises(FileNotFoundError, match='missing.mp4 does not exist'):
        read_video(str(tmp_path / 'missing.mp4'))
    empty_dir = tmp_path / 'empty'
    empty_dir.mkdir()
    (empty_dir / 'notes.txt').write_text('no frames')
    with pytest.raises(ValueError, match='holds no image file'):
        read_video(str(empty_dir))
    empty_mp4 = tmp_path / 'empty.mp4'
    empty_mp4.write_bytes(b'')
    with pytest.raises(ValueError, match='cannot read any frame from'):
        read_video(str(empty_mp4))
    broken = tmp_path / 'broken'
    broken.mkdir()
    cv2.imwrite(str(broken / '00000.jpg'), frames[0])
    (broken / '00001.jpg').write_bytes(b'not a jpeg')
    with pytest.raises(
            ValueError,
            match=r'1 unreadable frames in .*broken: 00001.jpg '
            r'\(not an image\)'):
        read_video(str(broken))
    with pytest.raises(ValueError, match='frame 1 is'):
        read_video([frames[0], frames[1][:50]])
    with pytest.raises(ValueError, match='not an \\(H, W, 3\\) uint8'):
        read_video([frames[0].astype(np.float32)])
    with pytest.raises(FileNotFoundError, match='config nope.py'):
        init_model('nope.py')
