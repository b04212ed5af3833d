"""The unit's own store: where the framework keeps stored state, deferred events and notices."""
