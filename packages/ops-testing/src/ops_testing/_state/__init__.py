"""The State and its components: what ``Context.run`` loads into the simulated Juju and Pebble.

Frozen dataclasses, one module per kind of component (reached through ``ops.testing`` and
``scenario.state``); nothing here runs a charm.

* :mod:`._state`: ``State`` itself, with its lookups and the checks of its fields;
* :mod:`._relations`, :mod:`._secrets`, :mod:`._containers`, :mod:`._network`: relations,
  secrets, containers (their mounts, notices, checks, exec handlers) and networks;
* :mod:`._status`: the unit and application statuses;
* :mod:`._model`: the Juju model and its cloud spec and credential;
* :mod:`._ports`, :mod:`._storage`, :mod:`._resources`: opened ports, Juju storage, charm
  resources;
* :mod:`._framework`: what the charm's framework keeps between events (stored state,
  deferred events);
* :mod:`._log`: the lines the charm logged through ``juju-log``;
* :mod:`._common`: what they share (name rules, id counters, databag checks);
* :mod:`._serialise`: the plain-data form of every component (``to_dict``/``from_dict``).
"""
