"""One-line errors for the known bad inputs of the tools."""
import difflib
import inspect
import re
import sys
from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence

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


class ConfigValueError(ValueError):
    """A module argument of the wrong type or range; the message names the
    module, the argument, the value and what it takes."""


def check_arg(owner: str,
              name: str,
              value,
              kind: type,
              low: Optional[float] = None,
              high: Optional[float] = None,
              optional: bool = False) -> None:
    """Check a module argument read from a config.

    Args:
        owner (str): The module, e.g. ``'MemoryKPropagator'``.
        name (str): The argument.
        value: Its value.
        kind (type): ``int``, ``float`` (an int too) or ``bool``.
        low, high (float, optional): Inclusive bounds.
        optional (bool): None is allowed.

    Raises:
        ConfigValueError: One line naming the argument and what it takes.
    """
    if value is None and optional:
        return
    kinds = (int, float) if kind is float else (kind, )
    fits = isinstance(value, kinds) and (kind is bool
                                         or not isinstance(value, bool))
    if fits and (low is None or value >= low) and (high is None
                                                   or value <= high):
        return
    takes = kind.__name__ + (' or None' if optional else '')
    if low is not None:
        takes += f' >= {low}'
    if high is not None:
        takes += f' <= {high}'
    raise ConfigValueError(
        f'{owner}: {name}={value!r} ({type(value).__name__}); it takes '
        f'{takes}; fix it in the config or --cfg-options')


def check_choice(owner: str, name: str, value, choices: Sequence) -> None:
    """Check that a module argument read from a config is one of
    ``choices``.

    Raises:
        ConfigValueError: One line naming the argument and its choices.
    """
    if value in choices:
        return
    raise ConfigValueError(
        f'{owner}: {name}={value!r}; it takes one of '
        f"{', '.join(repr(choice) for choice in choices)}; fix it in the "
        'config or --cfg-options')


class VideoFailedError(RuntimeError):
    """A video of a test run failed (loading or inference); the message
    names it, the cause and what to do."""


def one_line(error: BaseException) -> str:
    """``Type: message`` of an error on one line."""
    return f'{type(error).__name__}: ' + ' '.join(str(error).split())


_UNEXPECTED_ARGUMENT = re.compile(
    r"(?P<owner>[\w.]+)\.__init__\(\) got an unexpected keyword argument "
    r"'(?P<name>\w+)'")


def init_arguments(cls: type) -> List[str]:
    """The keyword arguments a class takes, through the ``**kwargs`` it
    hands to its bases."""
    names: List[str] = []
    for klass in cls.__mro__:
        if '__init__' not in vars(klass) or klass is object:
            continue
        parameters = inspect.signature(klass.__init__).parameters.values()
        names += [
            p.name for p in parameters if p.name != 'self' and p.kind in
            (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in names
        ]
        if not any(p.kind == p.VAR_KEYWORD for p in parameters):
            break
    return names


def unexpected_argument_message(error: TypeError) -> Optional[str]:
    """A one-line message with the arguments a registered class takes,
    for a config key it does not take (None for other TypeErrors)."""
    match = _UNEXPECTED_ARGUMENT.search(str(error))
    if match is None:
        return None
    owner, name = match.group('owner', 'name')
    import mmdet.registry
    import mmengine.registry

    import mmpr.registry
    for module in (mmpr.registry, mmdet.registry, mmengine.registry):
        for registry in vars(module).values():
            if not isinstance(registry, Registry):
                continue
            cls = registry.module_dict.get(owner.split('.')[-1])
            if cls is not None:
                return (f'{owner} takes no argument {name!r}; it takes '
                        f'{", ".join(init_arguments(cls))}; fix the key in '
                        'the config or --cfg-options')
    return (f'{owner} takes no argument {name!r}; fix the key in the config '
            'or --cfg-options')


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Exit with a one-line ``error: ...`` on an unregistered type (with the
    closest registered ones), a checkpoint that does not fit or a failed
    video of a test run."""
    try:
        yield
    except (CheckpointError, ConfigValueError, VideoFailedError) as error:
        sys.exit(f'error: {error}')
    except TypeError as error:
        message = unexpected_argument_message(error)
        if message is None:
            raise
        sys.exit(f'error: {message}')
    except KeyError as error:
        message = unknown_type_message(error)
        if message is None:
            raise
        sys.exit(f'error: {message}')
