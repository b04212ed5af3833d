"""The fake hook tools' command-line face: a small client of the fake Juju (standard library only).

One script answers to every hook-tool name: it is installed under each name (as symlinks) in
a bin directory, and sends the name it was invoked as, its arguments and its ``JUJU_*``
environment to the fake Juju's server (the unix socket named by ``FAKE_JUJU_SOCKET``), which
answers from the simulated Juju of ``ops_testing._engine``. It prints the answer and exits
with its code; stdin is read only when the server says the tool reads it (``--file -``).

The installed entry point is a tiny stub that puts this directory's parent on ``sys.path``
and calls :func:`tool._main.main`; these modules are byte-compiled once and reused.
"""
