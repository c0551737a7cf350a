from mmpr.utils import cpu_info, describe_cpu
from mmpr.utils.cpu_info import ISA_FLAGS, _cpuinfo_fields


def test_cpuinfo_fields_of_the_first_processor(tmp_path):
    path = tmp_path / 'cpuinfo'
    path.write_text('processor\t: 0\nmodel name\t: Some CPU\n'
                    'flags\t\t: fpu avx2 fma amx_bf16 amx_tile\n\n'
                    'processor\t: 1\nmodel name\t: Another\n')
    fields = _cpuinfo_fields(str(path))
    assert fields['model name'] == 'Some CPU'
    assert 'amx_bf16' in fields['flags'].split()
    assert _cpuinfo_fields(str(tmp_path / 'absent')) == {}


def test_cpu_info_names_only_known_flags():
    info = cpu_info()
    assert set(info['isa']) <= set(ISA_FLAGS)
    assert info['cores'] >= 1 and info['torch_threads'] >= 1
    assert info['bf16'] == bool({'avx512_bf16', 'amx_bf16'} & set(info['isa']))
    line = describe_cpu()
    assert line.startswith('CPU: ') and 'native bf16: ' in line
