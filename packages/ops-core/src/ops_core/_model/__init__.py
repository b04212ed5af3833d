"""The Juju model as the charm sees it, and the ``Backend`` protocol through which it reads
and writes Juju (containers are in ``ops_core._container``, the Pebble seam in
``ops_core._pebble_client``).
"""
