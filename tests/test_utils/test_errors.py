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


def test_check_arg_names_what_an_argument_takes():
    from mmpr.models import MemoryKPropagator, SequenceNMS
    from mmpr.utils import ConfigValueError
    with pytest.raises(ConfigValueError) as error:
        MemoryKPropagator(mask_thr=1.5)
    assert str(error.value) == (
        'MemoryKPropagator: mask_thr=1.5 (float); it takes float >= 0 <= 1; '
        'fix it in the config or --cfg-options')
    with pytest.raises(
            ConfigValueError,
            match=r'max_memory=0 \(int\); it '
            'takes int or None >= 1'):
        MemoryKPropagator(max_memory=0)
    with pytest.raises(
            ConfigValueError,
            match="SequenceNMS: mode='soft_nms'; it takes one of 'greedy', "
            "'soft', 'category_aware'"):
        SequenceNMS(mode='soft_nms')
    MemoryKPropagator(max_memory=None, early_reduction=0.5)  # fine


def test_unexpected_arguments_name_what_a_class_takes():
    from mmpr.utils.errors import unexpected_argument_message
    assert unexpected_argument_message(TypeError('other')) is None
    message = unexpected_argument_message(
        TypeError("SequenceNMS.__init__() got an unexpected keyword argument "
                  "'thr'"))
    assert message.startswith("SequenceNMS takes no argument 'thr'; it "
                              'takes iou_thr, score_thr, mode')
    assert unexpected_argument_message(
        TypeError("Unknown.__init__() got an unexpected keyword argument "
                  "'x'")) == ("Unknown takes no argument 'x'; fix the key in "
                              'the config or --cfg-options')
    with pytest.raises(TypeError, match='other'), one_line_errors():
        raise TypeError('other')
