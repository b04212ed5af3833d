"""The State and its components: what ``Context.run`` loads into the simulated Juju and Pebble.

Frozen dataclasses, one module per kind of component (reached through ``ops.testing`` and
``scenario.state``); nothing here runs a charm.

* :mod:`._state`: ``State`` itself, with its lookups and the checks of its fields;
* :mod:`._relations`, :mod:`._secrets`, :mod:`._containers`, :mod:`._network`: relations,
  secrets, containers (their mounts, notices, checks, exec handlers) and networks;
* :mod:`._status`: the unit and application statuses;
* :mod:`._misc`: the smaller components (model, ports, storage, resources, stored state,
  deferred events, cloud spec, log lines);
* :mod:`._common`: what they share (name rules, id counters, databag checks).
"""
