"""Fixtures for webhook tests: a verifying receiver and a platform client whose secret the
receiver knows (as a platform engineer would after copying it from the page)."""

from __future__ import annotations

import pytest

from core.clients import api_client_create
from tests.webhooks.receiver import Receiver


@pytest.fixture
def make_receiver():
    made = []

    def _make(secret: str = "", **kwargs) -> Receiver:
        r = Receiver(secret, **kwargs)
        made.append(r)
        return r

    yield _make
    for r in made:
        r.close()


@pytest.fixture
def hooked(db, make_receiver):
    """A platform client with every scope, its webhook pointing at a verifying receiver."""

    def _hooked(*, scopes=("*",), answers=(), default: int = 204, name: str = "platform-hooks", **kwargs):
        receiver = make_receiver(answers=answers, default=default)
        client, token = api_client_create(actor=None, name=name, scopes=list(scopes), webhook_url=receiver.url,
                                          **kwargs)
        receiver.secret = client.webhook_secret
        return client, token, receiver

    return _hooked
