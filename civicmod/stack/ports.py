"""Finding free TCP ports on the loopback interface."""

from __future__ import annotations

import random
import socket


def is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on ``host:port`` and it can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(offsets: tuple[int, ...] = (0,)) -> int:
    """A free port ``p`` such that every ``p + offset`` is free too (SeaweedFS uses +10000).

    Ports are drawn from 15000–21999, below the kernel's ephemeral range (32768+), so that
    no outgoing connection can take a port between this choice and the server's bind.
    """
    for _ in range(500):
        port = random.randrange(15000, 22000)
        if all(is_free(port + o) for o in offsets):
            return port
    raise RuntimeError("no free port found")


def wait_listening(port: int, host: str = "127.0.0.1") -> bool:
    """True when a TCP connection to ``host:port`` succeeds now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0
