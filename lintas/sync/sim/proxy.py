"""A TCP proxy between a node and the hub that the simulation can cut and restore.

A cut closes every open connection at once (mid-request or mid-reply, as a dropped link
does) and refuses new ones until the link is restored.
"""

from __future__ import annotations

import contextlib
import socket
import threading

BUFFER = 64 * 1024


class LinkProxy:
    def __init__(self, *, target_port: int, listen_port: int = 0) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", listen_port))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._up = threading.Event()
        self._up.set()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        # Requests whose first line contains this get no reply: the request reaches the
        # hub, the answer is lost on the way back (a link dropping at the worst moment).
        self.drop_replies_to: str | None = None
        self._thread = threading.Thread(target=self._serve, name=f"proxy-{self.port}", daemon=True)
        self._thread.start()

    @property
    def is_up(self) -> bool:
        return self._up.is_set()

    def cut(self) -> None:
        """Drop the link: every open connection is closed now, new ones are refused."""
        self._up.clear()
        with self._lock:
            sockets = list(self._open)
            self._open.clear()
        for s in sockets:
            _close(s)

    def restore(self) -> None:
        self._up.set()

    def close(self) -> None:
        self._closed.set()
        self.cut()
        _close(self._listener)
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._closed.is_set():
            try:
                client, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._up.is_set():
                _close(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                _close(client)  # the hub is down: the node sees the connection drop
                continue
            with self._lock:
                self._open.update({client, upstream})
            drop = self._drops(client)
            for a, b, swallow in ((client, upstream, False), (upstream, client, drop)):
                threading.Thread(target=self._pump, args=(a, b, swallow), daemon=True).start()

    def _drops(self, client: socket.socket) -> bool:
        marker = self.drop_replies_to
        if not marker:
            return False
        client.settimeout(5)
        try:
            first = client.recv(512, socket.MSG_PEEK)
        except OSError:
            return False
        return marker.encode() in first.split(b"\r\n", 1)[0]

    def _pump(self, source: socket.socket, sink: socket.socket, swallow: bool) -> None:
        source.settimeout(None)
        try:
            while True:
                data = source.recv(BUFFER)
                if not data:
                    break
                if not swallow:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            # Either side closing ends the pair, as a TCP connection through a router does.
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
            _close(source)
            _close(sink)


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        s.close()
