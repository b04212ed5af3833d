"""The charm layer over the framework and the model: ``CharmBase``, the events Juju sends,
charm metadata (and its cache between hooks), and the deprecated opslib mechanism.
"""
