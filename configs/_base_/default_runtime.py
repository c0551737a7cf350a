# mmdet's runtime (hooks, logging, env), run in mmpr's registry scope: plain
# type names resolve in mmpr first, then in mmdet and mmengine.
_base_ = 'mmdet::_base_/default_runtime.py'

default_scope = 'mmpr'
custom_imports = dict(imports=['mmpr'], allow_failed_imports=False)

# video outputs: instance sequences drawn one colour each (tools/test.py
# --show-dir switches the drawing on)
# (_scope_: the mmdet:: base marks its dicts as mmdet's)
default_hooks = dict(
    visualization=dict(_scope_='mmpr', type='SequenceVisualizationHook'))
visualizer = dict(_scope_='mmpr', type='SequenceVisualizer')
