# mmdet's runtime (hooks, logging, env), run in mmpr's registry scope: plain
# type names resolve in mmpr first, then in mmdet and mmengine.
_base_ = 'mmdet::_base_/default_runtime.py'

default_scope = 'mmpr'
custom_imports = dict(imports=['mmpr'], allow_failed_imports=False)
