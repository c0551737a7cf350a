import json
import os.path as osp

import pytest

TOOL = 'analysis_tools/objects_followed.py'


@pytest.fixture
def toy_valid(toy_root):
    """The tiny toy valid split: (json path, its content)."""
    ann_file = osp.join(toy_root, 'youtube_vis_2019', 'valid.json')
    with open(ann_file) as f:
        return ann_file, json.load(f)


def test_ground_truth_follows_every_object_and_a_lost_one_is_named(
        run_tool, toy_valid, gt_records, tmp_path):
    ann_file, ann = toy_valid
    records = gt_records(ann)
    lost = ann['annotations'][0]
    # the first object's sequence stops after its first visible frame
    first = next(t for t, m in enumerate(lost['segmentations']) if m)
    records[0]['segmentations'][first + 1:] = [None] * (
        len(lost['segmentations']) - first - 1)
    # the second object's sequence is given another class
    num_classes = len(ann['categories'])
    records[1]['category_id'] = records[1]['category_id'] % num_classes + 1
    results = tmp_path / 'results.json'
    results.write_text(json.dumps(records))
    out = tmp_path / 'rows.json'
    done = run_tool(TOOL, str(results), ann_file, '--out', str(out))
    assert done.returncode == 0, done.stderr
    num = len(ann['annotations'])
    assert f'followed {num - 1} of {num} objects' in done.stdout
    assert f'{num - 2} of them named right' in done.stdout
    assert done.stdout.count('NOT followed') == 1
    assert done.stdout.count('followed, misnamed') == 1
    rows = json.loads(out.read_text())
    assert [row['object_id'] for row in rows
            if not row['followed']] == [lost['id']]
    assert all(row['covered_frames'] == row['visible_frames'] for row in rows
               if row['followed'])
    # one video by frame-folder name; a score floor above every record
    video = next(v for v in ann['videos'] if v['id'] == lost['video_id'])
    name = osp.dirname(video['file_names'][0])
    done = run_tool(TOOL, str(results), ann_file, '--videos', name,
                    '--score-thr', '0.95')
    assert done.returncode == 0, done.stderr
    objects = [a for a in ann['annotations'] if a['video_id'] == video['id']]
    assert f'followed 0 of {len(objects)} objects' in done.stdout


def test_bad_inputs_are_one_line_errors(run_tool, assert_one_line_error,
                                        toy_valid, gt_records, tmp_path):
    ann_file, ann = toy_valid
    results = tmp_path / 'results.json'
    results.write_text(json.dumps(gt_records(ann)))
    assert_one_line_error(
        run_tool(TOOL, str(results), ann_file, '--videos', 'nosuchvideo'),
        'video nosuchvideo is not in the annotation file')
    no_gt = tmp_path / 'no_gt.json'
    no_gt.write_text(json.dumps(dict(ann, annotations=[])))
    assert_one_line_error(
        run_tool(TOOL, str(results), str(no_gt)), 'has no annotations')
    short = gt_records(ann)
    short[0]['segmentations'] = short[0]['segmentations'][:1]
    results.write_text(json.dumps(short))
    assert_one_line_error(
        run_tool(TOOL, str(results), ann_file),
        'are the results for this annotation file?')
