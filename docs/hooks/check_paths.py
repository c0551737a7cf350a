"""mkdocs hook: every repository path a page names in code (``configs/...``,
``tools/...``, ``mmpr/...``, ``tests/...``, ``docs/...``) must exist, so a
renamed or deleted file fails ``mkdocs build --strict`` (``make docs``)."""
import os.path as osp
import re

from mkdocs.exceptions import PluginError

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# a path of the repository: its first folder, then path characters; one with
# a placeholder or pattern ({a,b}, *, <name>, ..., CAPITALS) is left alone
PATH = re.compile(r'(?<![\w./-])((?:configs|tools|mmpr|tests|docs)/'
                  r'[\w./{},*<>-]*[\w/])')
PATTERN = re.compile(r'[{}*<>]|\.\.\.|/[A-Z_]+(?:/|$)')


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Fail on a path in the page that does not exist."""
    missing = sorted({
        path
        for path in PATH.findall(markdown)
        if not PATTERN.search(path) and not osp.exists(
            osp.join(REPO_ROOT, path))
    })
    if missing:
        raise PluginError(f'{page.file.src_path} names files that do not '
                          f'exist: {", ".join(missing)}')
    return markdown
