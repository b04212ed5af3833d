"""A module of the charm, imported from src/."""


def fail_loudly(dish: str) -> None:
    raise RuntimeError(f'boom: cannot cook {dish}')
