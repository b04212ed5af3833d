"""A stateful fake of Juju's hook tools, for tests (standard library only).

One script answers to every hook-tool name: it is installed under each name (as symlinks) in
a bin directory, looks at the name it was invoked as, parses argv the way Juju's tools do
(gnuflag style: flags may come before or after positional arguments, ``--flag=value`` or
``--flag value``, ``--`` ends the flags), and reads and writes a JSON state file named by the
``FAKE_JUJU_STATE`` environment variable. Every call is appended as one JSON line
``{"tool": ..., "argv": [...], "stdin": ...}`` to the file named by ``FAKE_JUJU_LOG``.

Faults can be injected per tool through the state (see ``_main.inject_faults``).

The installed entry point is a tiny stub that puts this directory's parent on ``sys.path``
and calls :func:`tool._main.main`; these modules are byte-compiled once and reused.
"""
