"""The event framework: handles, events and their emitters, the ``Framework`` (observers, deferral,
snapshots) and stored state. It knows nothing of the Juju model.
"""
