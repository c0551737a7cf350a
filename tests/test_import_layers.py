"""mmpr's modules import each other without a circle.

Every import statement counts, at module level or inside a function (a
function's import still ties the two modules: the circle that
``register_all_modules`` made through ``mmpr.utils`` was of that kind). A
module's own parent packages are not edges: Python initialises them first.
"""
import ast
import os
import os.path as osp
from typing import Dict, List, Set


def module_imports(repo_root: str) -> Dict[str, Set[str]]:
    """mmpr module name -> the mmpr modules it imports."""
    files = {}
    for folder, _, names in os.walk(osp.join(repo_root, 'mmpr')):
        for name in names:
            if name.endswith('.py'):
                path = osp.join(folder, name)
                parts = osp.relpath(path, repo_root)[:-3].split(os.sep)
                is_package = parts[-1] == '__init__'
                files['.'.join(parts[:-1] if is_package else parts)] = (
                    path, is_package)
    graph = {}
    for module, (path, is_package) in files.items():
        with open(path) as file:
            tree = ast.parse(file.read())
        targets = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                package = module.split('.')
                if not is_package:
                    package = package[:-1]
                base = package[:len(package) - node.level + 1]
                base = '.'.join((base if node.level else []) +
                                ([node.module] if node.module else []))
                targets += [base] + [f'{base}.{a.name}' for a in node.names]
        graph[module] = set()
        for target in targets:
            parts = target.split('.')
            for end in range(1, len(parts) + 1):
                candidate = '.'.join(parts[:end])
                if (candidate in files and candidate != module
                        and not module.startswith(candidate + '.')):
                    graph[module].add(candidate)
    return graph


def find_circle(graph: Dict[str, Set[str]]) -> List[str]:
    """One circle of the graph (its modules in order), or []."""
    state: Dict[str, int] = {}  # 1: on the current path, 2: done
    path: List[str] = []

    def visit(module: str) -> List[str]:
        state[module] = 1
        path.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == 1:
                return path[path.index(other):] + [other]
            if other not in state:
                circle = visit(other)
                if circle:
                    return circle
        path.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state:
            circle = visit(module)
            if circle:
                return circle
    return []


def test_no_import_circle(repo_root):
    graph = module_imports(repo_root)
    assert 'mmpr.models.detectors.seq_mask_rcnn' in graph
    assert 'mmpr.utils' in graph['mmpr.models.detectors.seq_mask_rcnn']
    circle = find_circle(graph)
    assert not circle, ' -> '.join(circle)


def test_the_check_sees_a_circle():
    assert find_circle(dict(a={'b'}, b={'c'}, c={'a'})) == ['a', 'b', 'c', 'a']
    assert find_circle(dict(a={'b'}, b=set())) == []
