"""mmpr and its tools use one another's public names only; the mmdet
internals they need are used in one place each, listed here."""
import ast
import os
import os.path as osp

# (file, the private name): documented where it is used
MMDET_INTERNALS = {
    ('mmpr/models/detectors/seq_mask_rcnn.py', '_do_paste_mask'),
    ('mmpr/models/detectors/seq_mask_rcnn.py', '_bbox_forward'),
    ('mmpr/models/detectors/seq_mask_rcnn.py', '_mask_forward'),
    ('mmpr/visualization/sequence_visualizer.py', '_get_adaptive_scales'),
    # torch's state dict convention (load_state_dict reads it)
    ('mmpr/utils/checkpoint.py', '_metadata'),
}


def private_uses(path: str):
    """The private names a file takes from other objects or modules."""
    with open(path) as file:
        tree = ast.parse(file.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.name.startswith('_')
                        and not alias.name.startswith('__')):
                    yield node.lineno, alias.name
        elif (isinstance(node, ast.Attribute) and node.attr.startswith('_')
              and not node.attr.startswith('__')):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ('self', 'cls'):
                continue
            if (isinstance(owner, ast.Call)
                    and getattr(owner.func, 'id', None) == 'super'):
                continue
            yield node.lineno, node.attr


def test_no_private_name_of_another_object(repo_root):
    found = set()
    misuse = []
    for top in ('mmpr', 'tools'):
        for folder, _, names in os.walk(osp.join(repo_root, top)):
            for name in names:
                if not name.endswith('.py'):
                    continue
                path = osp.join(folder, name)
                relpath = osp.relpath(path, repo_root)
                for line, private in private_uses(path):
                    if (relpath, private) in MMDET_INTERNALS:
                        found.add((relpath, private))
                    else:
                        misuse.append(f'{relpath}:{line} {private}')
    assert not misuse, misuse
    assert found == MMDET_INTERNALS  # the list stays current


def test_the_check_sees_a_private_call(tmp_path):
    path = tmp_path / 'example.py'
    path.write_text('from a import _b\n'
                    'def f(model):\n'
                    '    model.head._step()\n'
                    '    self._own()\n'
                    '    super()._own()\n')
    assert sorted(private_uses(str(path))) == [(1, '_b'), (3, '_step')]
