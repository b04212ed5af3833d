#!/usr/bin/env python3
"""Starts processes and writes files in every usual way, to check that none happens."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile

import ops

HOST = pathlib.Path(os.environ['SIDEFX_HOST'])
MARK = str(HOST / 'marks')  # each command run for real leaves a file here


class SideEffectsCharm(ops.CharmBase):
    """On install, tries each kind of side effect; the unit status says what it saw."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.install, self._on_install)

    def _on_install(self, event: ops.InstallEvent) -> None:
        os.makedirs(MARK, exist_ok=True)
        subprocess.run(['touch', f'{MARK}/run'], check=True)
        out = subprocess.check_output(
            ['sh', '-c', f'touch {MARK}/check_output; echo hi'], text=True
        )
        subprocess.call(f'touch {MARK}/call-shell', shell=True)
        subprocess.Popen(['touch', f'{MARK}/popen']).wait()
        os.system(f'touch {MARK}/system')
        os.popen(f'touch {MARK}/os-popen').read()
        os.spawnlp(os.P_WAIT, 'touch', 'touch', f'{MARK}/spawn')
        config = HOST / 'etc' / 'app'
        config.mkdir(parents=True, exist_ok=True)
        (config / 'app.conf').write_text('written')
        seen = (config / 'app.conf').read_text()  # the charm reads back what it wrote
        with open(HOST / 'existing.conf', 'a') as f:
            f.write(' appended')
        os.chmod(HOST / 'existing.conf', 0o600)
        with tempfile.NamedTemporaryFile('w', dir=config, delete=False) as tmp:
            tmp.write('atomic')
        os.replace(tmp.name, config / 'atomic.conf')
        os.unlink(HOST / 'victim')
        shutil.copy(HOST / 'existing.conf', HOST / 'copy.conf')
        with tempfile.TemporaryDirectory() as scratch:
            pathlib.Path(scratch, 'ok').write_text('temporary files are fine')
        self.unit.status = ops.ActiveStatus(f'output={out!r} read={seen!r}')


if __name__ == '__main__':  # pragma: nocover
    ops.main(SideEffectsCharm)
