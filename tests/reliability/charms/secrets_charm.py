"""A charm that handles secrets every way it can, for the leak search.

The secret values come from the environment (``REL_SECRET_1`` .. ``REL_SECRET_4``) so that
they never appear in this source file (a traceback prints source lines). Everything the
charm can show about a secret (``repr``/``str`` of the objects, exception messages) is
logged at every level and written to ``TEST_RECORD``; the test then searches every output
for the values.
"""

import json
import logging
import os

import ops

logger = logging.getLogger(__name__)
S1, S2, S3, S4 = (os.environ[f'REL_SECRET_{i}'] for i in range(1, 5))


def record(**fields):
    with open(os.environ['TEST_RECORD'], 'a', encoding='utf-8') as f:
        f.write(json.dumps(fields) + '\n')


def show(label, value):
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
        logger.log(level, '%s: %r / %s', label, value, value)
    record(label=label, repr=repr(value), str=str(value))


class SecretsCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(secret_id='')
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.update_status, self._on_update_status)
        framework.observe(self.on.secret_changed, self._on_secret_changed)

    def _on_install(self, event):
        secret = self.app.add_secret({'password': S1, 'api-key': S2}, label='creds')
        self._stored.secret_id = secret.id
        show('added', secret)
        content = secret.get_content()
        show('content-keys', sorted(content))
        secret.set_content({'password': S3, 'api-key': S2})
        show('after-set', secret)
        for bad in ({'password': S4, 'x': 'too-short-key'}, {'password': S4, 'count': 5}):
            try:
                self.app.add_secret(bad)
            except (ValueError, TypeError) as e:
                logger.exception('refused secret content')
                show('error', e)
        self.unit.status = ops.ActiveStatus('secrets handled')

    def _on_update_status(self, event):
        secret = self.model.get_secret(label='creds')
        show('by-label', secret)
        show('info', secret.get_info())
        content = secret.get_content(refresh=True)
        show('content-keys', sorted(content))
        if os.environ.get('REL_FAIL_SET'):
            secret.set_content({'password': S4, 'api-key': S2})  # the tool fails: uncaught

    def _on_secret_changed(self, event):
        show('changed', event.secret)
        content = event.secret.get_content(refresh=True)
        show('consumer-keys', sorted(content))
        show('event', event)


if __name__ == '__main__':
    ops.main(SecretsCharm)
