import json

import numpy as np

from mmpr.engine import read_video_results
from mmpr.structures import InstanceSequences


def test_kept_results_leave_out_a_cut_line_and_other_files(tmp_path):
    assert read_video_results(str(tmp_path / 'none')) == {}
    sequences = InstanceSequences([[None, None]],
                                  np.array([[0.25, 0.5]], np.float32), (4, 6),
                                  2)
    line = json.dumps(dict(video_id=3, sequences=sequences.to_dict()))
    (tmp_path / 'rank0.jsonl').write_text(line + '\n' + line[:20])  # killed
    (tmp_path / 'rank1.jsonl'
     ).write_text(line.replace('"video_id": 3', '"video_id": 4') + '\n')
    (tmp_path / 'rank0.jsonl.prev').write_text('not json\n')
    done = read_video_results(str(tmp_path))
    assert sorted(done) == [3, 4]
    np.testing.assert_array_equal(done[3].class_scores, sequences.class_scores)
