"""A platform's webhook endpoint for the tests: a threaded ``http.server`` on localhost that
verifies every request with the independent ``standardwebhooks`` package (never with
Qinglang's own signing code) and answers 401 when verification fails.

``answers`` scripts the replies in order (an int status, or a callable ``fn(handler) -> int |
None``; None: it has answered or dropped the connection itself); afterwards ``default``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    payload: dict | None = None
    error: str = ""
    at: float = field(default_factory=time.monotonic)

    @property
    def verified(self) -> bool:
        return self.payload is not None


class Receiver:
    def __init__(self, secret: str = "", *, answers=(), default: int = 204, path: str = "/hooks/qinglang"):
        self.secret, self.answers, self.default = secret, list(answers), default
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                got = receiver.verify(dict(self.headers), body)
                with receiver._lock:
                    receiver.requests.append(got)
                    answer = receiver.answers.pop(0) if receiver.answers else receiver.default
                if callable(answer):
                    answer = answer(self)
                    if answer is None:
                        return
                status = answer if got.verified else 401
                reply = b'{"ok":true}' if 200 <= status < 300 else f"no: {got.error or status}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def verify(self, headers: dict[str, str], body: bytes) -> Received:
        got = Received(headers={k.lower(): v for k, v in headers.items()}, body=body)
        try:
            got.payload = Webhook(self.secret).verify(body, headers)
        except (WebhookVerificationError, EmptyWebhookSecretError) as exc:
            got.error = str(exc)
        return got

    def wait_for(self, count: int, timeout: float) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        raise AssertionError(f"receiver got {len(self.requests)} requests, expected {count} within {timeout} s")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
