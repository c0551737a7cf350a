import cv2
import numpy as np

TOOL = 'analysis_tools/frame_strip.py'


def test_tiles_evenly_spaced_frames(load_tool, toy_video):
    """Frames 0, 3 and 7 of the 8-frame toy video, two a row, the last row
    padded white; each tile is the frame scaled to the column width."""
    frame_strip = load_tool(TOOL).frame_strip
    frames = [toy_video.frames[t] for t in (0, 3, 7)]
    height, width = frames[0].shape[:2]
    strip = frame_strip(frames, columns=2, width=2 * width)
    assert strip.shape == (2 * height, 2 * width, 3)
    np.testing.assert_array_equal(strip[:height, width:], frames[1])
    assert (strip[height:, width:] == 255).all()


def test_writes_the_picture_of_a_video(run_tool, toy_video, tmp_path):
    out = tmp_path / 'strip.png'
    done = run_tool(TOOL, toy_video.mp4, str(out), '--frames', '3',
                    '--columns', '3', '--width', '600')
    assert done.returncode == 0, done.stderr
    assert cv2.imread(str(out)).shape[1] == 600


def test_bad_input_is_a_one_line_error(run_tool, assert_one_line_error,
                                       tmp_path):
    missing = tmp_path / 'none.mp4'
    assert_one_line_error(
        run_tool(TOOL, str(missing), str(tmp_path / 'a.png')),
        f'video {missing} does not exist')
    assert not (tmp_path / 'a.png').exists()
