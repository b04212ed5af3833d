"""The legacy charm library loader (`ops.lib`)."""

__all__: list[str] = []
