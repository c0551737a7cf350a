"""What this machine's CPU is and which fast instructions it has.

Machines of one kind differ in speed and in ISA (some have AVX-512 bf16 or
AMX, some only AVX2), so timings are reported with the CPU they ran on, and
low precision is used only where the CPU has it.
"""
import os
import platform
from typing import Dict, List

import torch

# /proc/cpuinfo flags that matter for fp32 / bf16 / int8 convolutions
ISA_FLAGS = ('avx2', 'fma', 'avx512f', 'avx512_bf16', 'avx512_vnni',
             'amx_tile', 'amx_bf16', 'amx_int8')


def _cpuinfo_fields(path: str = '/proc/cpuinfo') -> Dict[str, str]:
    """The fields of the first processor in ``/proc/cpuinfo`` (Linux)."""
    fields = {}
    try:
        with open(path) as f:
            for line in f:
                if not line.strip():
                    break  # end of the first processor
                key, _, value = line.partition(':')
                fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def cpu_info() -> Dict[str, object]:
    """The CPU model, its core count, its ISA flags and torch's threads.

    Returns:
        dict: ``model`` (str), ``cores`` (int, usable by this process),
        ``isa`` (list[str], the :data:`ISA_FLAGS` it has), ``bf16`` (bool,
        native bf16 arithmetic: AVX-512 bf16 or AMX) and ``torch_threads``.
    """
    fields = _cpuinfo_fields()
    flags = set(fields.get('flags', '').split())
    isa: List[str] = [flag for flag in ISA_FLAGS if flag in flags]
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return dict(
        model=fields.get('model name') or platform.processor() or 'unknown',
        cores=cores,
        isa=isa,
        bf16=bool({'avx512_bf16', 'amx_bf16'} & flags),
        torch_threads=torch.get_num_threads())


def describe_cpu() -> str:
    """One line: model, cores, ISA flags, native bf16, torch threads."""
    info = cpu_info()
    return (f"CPU: {info['model']}, {info['cores']} cores, ISA: "
            f"{' '.join(info['isa']) or 'none of ' + ' '.join(ISA_FLAGS)}, "
            f"native bf16: {'yes' if info['bf16'] else 'no'}, torch threads: "
            f"{info['torch_threads']}")
