"""The typing charm's own unit tests run in their own pytest process (see test_typing.py):
its ``charm`` module would otherwise clash with the example charms' modules of that name."""

collect_ignore = ['typing_charm']
