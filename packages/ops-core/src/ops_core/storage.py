"""Where the framework persists stored state and deferred events (`ops.storage`)."""

__all__: list[str] = []
