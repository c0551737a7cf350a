"""One-line errors for the known bad inputs of the tools."""
import difflib
import re
import sys
from contextlib import contextmanager
from typing import Iterator, List, Optional

from mmengine.registry import Registry

from .checkpoint import CheckpointError

# mmengine's build_from_cfg / build_runner_from_cfg (registry/
# build_functions.py): "X is not in the mmpr::model registry. Please ..."
_UNKNOWN_TYPE = re.compile(r'(?P<type>\S+) is not in the '
                           r'(?:(?P<scope>[\w.-]+)::)?(?P<registry>[\w ]+) '
                           r'registry\.')


def registered_types(registry_name: str) -> List[str]:
    """The type names of the registries called ``registry_name`` of mmpr,
    mmdet and mmengine (e.g. ``'model'``), their modules imported."""
    import mmdet.registry
    import mmengine.registry

    import mmpr.registry
    names = set()
    for module in (mmpr.registry, mmdet.registry, mmengine.registry):
        for registry in vars(module).values():
            if isinstance(registry,
                          Registry) and registry.name == registry_name:
                registry.import_from_location()
                names.update(registry.module_dict)
    return sorted(names)


def unknown_type_message(error: KeyError) -> Optional[str]:
    """A one-line message with the closest registered types, for mmengine's
    "X is not in the Y registry" KeyError (None for other KeyErrors)."""
    match = _UNKNOWN_TYPE.match(str(error.args[0]) if error.args else '')
    if match is None:
        return None
    type_name, registry_name = match.group('type', 'registry')
    names = registered_types(registry_name)
    close = difflib.get_close_matches(
        Registry.split_scope_key(type_name)[1], names, n=3)
    suggestion = (f'did you mean {" or ".join(close)}?' if close else
                  f'no registered {registry_name} type is close;')
    return (f'{type_name} is not a registered {registry_name} type (mmpr, '
            f'mmdet, mmengine); {suggestion} fix the type in the config or '
            'in --cfg-options')


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Exit with a one-line ``error: ...`` on an unregistered type (with the
    closest registered ones) or a checkpoint that does not fit."""
    try:
        yield
    except CheckpointError as error:
        sys.exit(f'error: {error}')
    except KeyError as error:
        message = unknown_type_message(error)
        if message is None:
            raise
        sys.exit(f'error: {message}')
