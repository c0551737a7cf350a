import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register the modules of mmdet and mmpr into their registries.

    Args:
        init_default_scope (bool): Whether to set the default scope to
            ``'mmpr'``, so that plain ``type=...`` names resolve in mmpr first
            and then in mmdet and mmengine. Defaults to True.
    """
    from mmdet.utils import register_all_modules as register_mmdet_modules
    register_mmdet_modules(init_default_scope=False)

    import mmpr.datasets  # noqa: F401,F403
    import mmpr.engine  # noqa: F401,F403
    import mmpr.evaluation  # noqa: F401,F403
    import mmpr.models  # noqa: F401,F403
    import mmpr.visualization  # noqa: F401,F403

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('mmpr', scope_name='mmpr')
    elif current.scope_name != 'mmpr':
        warnings.warn(f'The current default scope "{current.scope_name}" is '
                      'not "mmpr"; register_all_modules switches to a new '
                      'default scope "mmpr".')
        # a new instance name, because DefaultScope names must be unique
        name = f'mmpr-{datetime.datetime.now()}'
        DefaultScope.get_instance(name, scope_name='mmpr')
