"""Running one hook: the ``ops.main`` entry point, the dispatcher, the hook context from the
environment, logging to Juju, and the production ``Backend`` over Juju's hook tools.
"""
