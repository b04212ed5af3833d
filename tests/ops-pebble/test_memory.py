"""push and pull stream: a 256 MiB file moves without the client holding it in memory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import ops_pebble
from ops_testing._pebble import PebbleModel

SIZE = 256 << 20
LIMIT = 32 << 20

SCRIPT = textwrap.dedent(
    """
    import sys
    import ops_pebble

    def status_bytes(field):
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1]) * 1024

    def peak():
        # This process's own high-water mark: ru_maxrss would include the parent's peak
        # (Linux carries the replaced address space's peak across exec).
        return status_bytes('VmHWM')

    socket_path, src, dest = sys.argv[1:4]
    client = ops_pebble.Client(socket_path, timeout=30)
    client.get_system_info()  # load everything the transfer needs before measuring
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')  # the high-water mark restarts from the RSS now
    baseline = status_bytes('VmRSS')
    with open(src, 'rb') as f:
        client.push('/pushed.bin', f)
    after_push = peak()
    with client.pull('/to-pull.bin', encoding=None) as f, open(dest, 'wb') as out:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            out.write(chunk)
    after_pull = peak()
    print(after_push - baseline, after_pull - baseline)
    """
)


def test_256_mib_push_and_pull_stay_under_32_mib(
    client: ops_pebble.Client, model: PebbleModel, workdir: str
) -> None:
    src = os.path.join(workdir, 'src.bin')
    dest = os.path.join(workdir, 'dest.bin')
    block = os.urandom(1 << 20)
    with open(src, 'wb') as f:
        for _ in range(SIZE >> 20):
            f.write(block)
    os.link(src, model.fs.host_path('/to-pull.bin'))
    out = subprocess.run(
        [sys.executable, '-c', SCRIPT, client.socket_path, src, dest],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr
    push_growth, pull_growth = map(int, out.stdout.split())
    print('growth MiB', push_growth >> 20, pull_growth >> 20)
    assert push_growth < LIMIT, f'push raised peak memory by {push_growth >> 20} MiB'
    assert pull_growth < LIMIT, f'pull raised peak memory by {pull_growth >> 20} MiB'
    assert os.path.getsize(model.fs.host_path('/pushed.bin')) == SIZE
    assert os.path.getsize(dest) == SIZE
    with open(dest, 'rb') as f:
        assert f.read(1 << 20) == block
