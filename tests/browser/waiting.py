"""Waiting for a condition in a page under the Content-Security-Policy.

Playwright's ``wait_for_function`` evaluates its predicate with the page's ``eval``, which the
policy refuses ('unsafe-eval' is not allowed, on purpose). ``page.evaluate`` goes through the
DevTools protocol, which the policy does not govern, so poll with that instead.
"""

from __future__ import annotations

import time


def wait_until(page, expression: str, timeout: float = 15.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(interval * 1000)
