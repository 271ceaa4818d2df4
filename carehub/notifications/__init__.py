"""The one notification layer: `notify()` inside a service's transaction, a worker delivers after commit.

See docs/notifications.md. Imported lazily so that carehub/models.py can declare the models from here.
"""


def notify(person, **kwargs):
    from .services import notify as _notify

    return _notify(person, **kwargs)


def mark_called(message, **kwargs):
    from .services import mark_called as _mark_called

    return _mark_called(message, **kwargs)
