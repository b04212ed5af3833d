"""The one simulated Juju under every front-end of ``ops.testing``.

* :mod:`.juju`: :class:`~.juju.SimulatedJuju`, what Juju knows about one unit (leadership,
  config, relations and bags, secrets, statuses, ports, storage, resources, networks, the
  running action) and how a test changes it;
* :mod:`.relations`, :mod:`.secrets`: its relations and secrets;
* :mod:`.backend`: :class:`~.backend.JujuBackend`, the one ``Backend`` (``ops_core.sister``)
  the charm's model talks to, applying Juju's rules to the simulation;
* :mod:`.dialect`: where the front-ends answer differently (as ops 3.9's two fakes did).

``Context`` loads a State into a fresh simulation for each run, ``Harness`` keeps one for
its whole life, and the hook tools of this repository's own tests (``tests/helpers/fakejuju``)
answer a charm in a subprocess from one, as Juju itself does.
"""
