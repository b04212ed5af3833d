"""The Juju hook context read from the environment (`ops.jujucontext`)."""

__all__: list[str] = []
