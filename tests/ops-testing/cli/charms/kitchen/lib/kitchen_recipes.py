"""A charm library, imported from lib/ as Juju's dispatch allows."""


def greeting(dish: str) -> str:
    return f'today: {dish}'
