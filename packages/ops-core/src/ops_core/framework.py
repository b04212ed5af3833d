"""The event framework: handles, objects, events, observers and stored state (`ops.framework`)."""

__all__: list[str] = []
