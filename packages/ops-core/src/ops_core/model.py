"""The Juju model as a charm sees it: units, apps, relations, secrets, config, status, storage, containers (`ops.model`)."""

__all__: list[str] = []
