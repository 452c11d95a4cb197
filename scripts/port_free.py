"""``make serve``'s first step: one line, not a 30-line traceback, when the port is taken.

Usage: ``python scripts/port_free.py HOST PORT``; exits 1 with the advice
when something already listens there.
"""

from __future__ import annotations

import socket
import sys


def main(host: str, port: str) -> int:
    probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the preview server does
    try:
        probe.bind((host, int(port)))
    except OSError:
        print(f"make serve: port {port} on {host} is already in use (another preview?); "
              f"stop it, or choose another port: make serve PORT={int(port) + 1}", file=sys.stderr)
        return 1
    finally:
        probe.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
