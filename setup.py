"""Install mmpr. ``make setup`` is the supported way (it builds mmcv's ops)."""
import os
import os.path as osp
import shutil
import sys
from setuptools import find_packages, setup

ROOT = osp.dirname(osp.abspath(__file__))
# The distribution name for pip and openmim; the import name stays ``mmpr``.
# It must not be a substring of an OpenMMLab project name: openmim 0.3.9
# expands such a name to that project (``mim train mmpr`` -> mmpretrain).
DIST_NAME = 'mmpr-vis'


def read_version() -> str:
    namespace: dict = {}
    with open(osp.join(ROOT, 'mmpr', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def parse_requirements(name: str) -> list:
    with open(osp.join(ROOT, 'requirements', name)) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


def add_mim_extension() -> None:
    """Put ``configs/``, ``tools/`` and ``model-index.yml`` in ``mmpr/.mim``.

    openmim (``mim train/test/run/search/list``) looks for them there. Editable
    installs link them (edits show up at once); wheels and sdists get copies.
    Other commands leave ``mmpr/.mim`` as it is.
    """
    if {'develop', 'editable_wheel'} & set(sys.argv):
        mode = 'symlink'
    elif {'sdist', 'bdist_wheel', 'build'} & set(sys.argv):
        mode = 'copy'
    else:
        return
    mim_path = osp.join(ROOT, 'mmpr', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in ('configs', 'tools', 'model-index.yml'):
        src, dst = osp.join(ROOT, name), osp.join(mim_path, name)
        if not osp.exists(src):
            continue  # building from an sdist: keep its copy in mmpr/.mim
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim_path), dst)
        elif osp.isdir(src):
            shutil.copytree(
                src, dst, ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copyfile(src, dst)


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name=DIST_NAME,
        version=read_version(),
        description='Propose-Reduce video instance segmentation for '
        'OpenMMLab (MMDetection 3.x)',
        long_description=open(osp.join(ROOT, 'README.md')).read(),
        long_description_content_type='text/markdown',
        keywords='video instance segmentation, propose-reduce, mmdetection',
        packages=find_packages(exclude=('configs', 'tools', 'tests')),
        include_package_data=True,
        python_requires='>=3.8',
        license='Apache License 2.0',
        classifiers=[
            'Programming Language :: Python :: 3',
            'License :: OSI Approved :: Apache Software License',
            'Operating System :: OS Independent',
        ],
        install_requires=parse_requirements('runtime.txt'),
        extras_require=dict(
            mim=parse_requirements('mminstall.txt'),
            tests=parse_requirements('tests.txt'),
        ),
        zip_safe=False)
