#!/usr/bin/env python3
"""The floor of a hook without ops: python + sqlite3 + yaml + the same hook-tool calls.

ops 3.9's update-status hook for the benchmark charm makes four hook-tool calls (two juju-log
lines, is-leader for the collect-status evaluation, status-set); this script makes the same
four, reads the charm metadata with PyYAML and does one read and one committed write on the
SQLite state file, which is the least any framework has to do for this hook.
"""

import json
import sqlite3
import subprocess

import yaml


def _tool(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, check=True, encoding='utf-8').stdout


def main() -> None:
    with open('metadata.yaml', encoding='utf-8') as f:
        meta = yaml.safe_load(f)
    _tool('juju-log', '--log-level', 'DEBUG', '--', f'{meta["name"]} up and running.')
    db = sqlite3.connect('.unit-state.db', isolation_level=None, timeout=5)
    db.execute('CREATE TABLE IF NOT EXISTS snapshot (handle TEXT PRIMARY KEY, data BLOB)')
    db.execute('BEGIN')
    row = db.execute("SELECT data FROM snapshot WHERE handle = 'counter'").fetchone()
    count = json.loads(row[0]) if row else 0
    _tool('juju-log', '--log-level', 'DEBUG', '--', 'Emitting Juju event update_status.')
    db.execute("INSERT OR REPLACE INTO snapshot VALUES ('counter', ?)", (json.dumps(count + 1),))
    json.loads(_tool('is-leader', '--format=json'))
    _tool('status-set', '--application=False', 'active', '--', 'ready')
    db.execute('COMMIT')
    db.close()


if __name__ == '__main__':
    main()
