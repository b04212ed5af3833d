"""``Harness``, the imperative front-end: one long-lived simulated Juju changed by the test.

* :mod:`._harness`: ``Harness`` itself (begin, hooks, leadership, config, the charm);
* :mod:`._base`: what its parts share (the simulated Juju, the model, emitting events);
* :mod:`._relations`, :mod:`._secrets`, :mod:`._storage`: relations, units, databags and
  networks; secrets; storage and resources, as the test changes them.

Its Pebble part (containers, exec handlers) is ``_harness_pebble``, beside the simulated
Pebble it drives.
"""
