import pytest
from mmengine.registry import DefaultScope

from mmpr.registry import DATASETS, MODELS, RUNNERS, TRANSFORMS
from mmpr.utils import CheckpointError, one_line_errors, unknown_type_message


def build_error(registry, type_name: str) -> KeyError:
    """mmengine's KeyError for an unregistered type."""
    key = 'runner_type' if registry is RUNNERS else 'type'
    with DefaultScope.overwrite_default_scope('mmpr'), pytest.raises(
            KeyError) as error:
        registry.build({key: type_name})
    return error.value


@pytest.mark.parametrize(
    'registry, typo, closest',
    [(MODELS, 'MemoryKPropagatr', 'did you mean MemoryKPropagator?'),
     (MODELS, 'mmdet.MaskRCN', 'did you mean MaskRCNN'),
     (DATASETS, 'YouTubeVlSDataset', 'did you mean YouTubeVISDataset'),
     (TRANSFORMS, 'GuidanceFrameSampel', 'did you mean GuidanceFrameSample'),
     (RUNNERS, 'Runer', 'did you mean Runner')])
def test_unknown_type_names_the_closest(registry, typo, closest):
    message = unknown_type_message(build_error(registry, typo))
    assert message.startswith(f'{typo} is not a registered {registry.name} '
                              'type (mmpr, mmdet, mmengine); ')
    assert closest in message
    assert message.endswith('fix the type in the config or in --cfg-options')


def test_unknown_type_without_close_names():
    message = unknown_type_message(build_error(MODELS, 'Zzzzqqq'))
    assert 'no registered model type is close' in message


def test_other_key_errors_pass_through():
    assert unknown_type_message(KeyError('img_shape')) is None
    with pytest.raises(KeyError, match='img_shape'), one_line_errors():
        raise KeyError('img_shape')


def test_one_line_errors_exit():
    with pytest.raises(SystemExit, match='^error: ckpt.pth is bad$'), \
            one_line_errors():
        raise CheckpointError('ckpt.pth is bad')
    with pytest.raises(SystemExit, match='^error: Runer is not a registered'):
        with one_line_errors():
            raise build_error(RUNNERS, 'Runer')
