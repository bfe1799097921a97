"""A test-owned TCP proxy between the archive sink and S3 that can cut the line.

In the embedded stack the broker keeps its log in the same SeaweedFS, so stopping SeaweedFS
would stop the broker too. The chaos tests point only the sink at this proxy: :meth:`cut`
closes the listening socket and every open connection (new connections are refused, open
ones are reset), :meth:`restore` listens again on the same port.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from civicmod.stack.ports import free_port

ACCEPT_TICK = 0.2


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target`` (host, port) while not cut."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.cuts = 0

    @property
    def url(self) -> str:
        """The proxy's HTTP URL (what the sink uses as its S3 endpoint)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpProxy:
        """Listen and forward; return self."""
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(ACCEPT_TICK)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True,
                         name="proxy-accept").start()
        return self

    def cut(self) -> None:
        """Refuse new connections and reset the open ones."""
        with self.lock:
            listener, self.listener = self.listener, None
            open_ones, self.sockets = self.sockets, set()
        if listener is not None:
            listener.close()
        for sock in open_ones:
            _close(sock)
        self.cuts += 1

    def restore(self) -> None:
        """Listen again on the same port."""
        if self.listener is None:
            self.start()

    def stop(self) -> None:
        """Cut for good."""
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self.lock:
                if self.listener is not listener:
                    _close(client)
                    _close(upstream)
                    return
                self.sockets.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True,
                                 name="proxy-pump").start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                _close(sock)
            with self.lock:
                self.sockets.discard(src)
                self.sockets.discard(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
