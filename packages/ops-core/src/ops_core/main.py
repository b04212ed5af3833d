"""Hook dispatch: the entry point a charm's `dispatch` script calls (`ops.main`)."""

__all__: list[str] = []
