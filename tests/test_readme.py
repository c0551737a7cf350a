"""The README's get-started commands, as written: every command names tools,
make targets and configs that exist, and every Python tool accepts its
arguments (its own parser reads them); the Python example imports and names
an existing config. ``make demo`` itself runs in
tests/test_tools/test_toy_demo.py (on the tiny toy set)."""
import ast
import os.path as osp
import re
import shlex

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def readme_blocks(language: str) -> list:
    with open(osp.join(REPO_ROOT, 'README.md')) as f:
        text = f.read()
    return re.findall(rf'```{language}\n(.*?)```', text, re.S)


def readme_commands() -> list:
    """Each command of the bash blocks (continuation lines joined, comments
    dropped) as its words."""
    commands = []
    for block in readme_blocks('bash'):
        for line in block.replace('\\\n', ' ').splitlines():
            line = line.split(' #')[0].strip()
            if line and not line.startswith('#'):
                commands.append(shlex.split(line))
    return commands


def test_readme_is_short():
    with open(osp.join(REPO_ROOT, 'README.md')) as f:
        assert len(f.readlines()) <= 200


@pytest.mark.parametrize('words', readme_commands(), ids=' '.join)
def test_readme_command(words, load_tool, monkeypatch):
    for word in words:
        if re.match(r'(configs|tools)/\S+\.(py|sh)$', word):
            assert osp.isfile(osp.join(REPO_ROOT, word)), word
    if words[0] == 'make':
        with open(osp.join(REPO_ROOT, 'Makefile')) as f:
            targets = re.findall(r'^([\w-]+):', f.read(), re.M)
        assert words[1] in targets
    elif words[0] == 'python':
        tool = words[1]
        assert tool.startswith('tools/'), tool
        module = load_tool(tool[len('tools/'):])
        monkeypatch.setattr('sys.argv', [tool, *words[2:]])
        module.parse_args()  # exits on an unknown option or a bad value
    else:
        assert words[0] in ('bash', 'mim'), words


def test_readme_python_example():
    block, = readme_blocks('python')
    tree = ast.parse(block)
    imported = [
        alias.name for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) for alias in node.names
    ]
    import mmpr.apis
    assert all(hasattr(mmpr.apis, name) for name in imported)
    for config in re.findall(r"'(configs/\S+\.py)'", block):
        assert osp.isfile(osp.join(REPO_ROOT, config))


def test_readme_links_exist():
    """Links into the repository (docs pages, the picture, LICENSE)."""
    with open(osp.join(REPO_ROOT, 'README.md')) as f:
        links = re.findall(r'\]\(([^)#]+)\)', f.read())
    local = [link for link in links if not link.startswith('http')]
    assert 'docs/images/demo.png' in local
    for link in local:
        assert osp.exists(osp.join(REPO_ROOT, link)), link
