"""The raw loopback client and the echo server binary for the transport tests."""

import os
import socket

from support import REPO

ECHO_SERVER = os.environ.get("LIVETS_ECHO_SERVER", str(REPO / ".build/examples/echo-server"))


class Raw:
    """A raw TCP client: exact bytes out, whatever comes back."""

    def __init__(self, port, timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)
        return self

    def read_until_close(self):
        chunks = [self.buffer]
        self.buffer = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)

    def read_response(self, head_request=False):
        """One response: (status, headers dict, body), Content-Length framed;
        `head_request` for the answer to a HEAD, which has no body."""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"closed before a response: {self.buffer!r}")
            self.buffer += chunk
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head_request else int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("closed inside a body")
            rest += chunk
        self.buffer = rest[length:]
        return status, headers, rest[:length]

    def is_closed(self, wait=3.0):
        self.sock.settimeout(wait)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def start_echo(*flags, wrapper=()):
    """An echo server of a test's own, with the default outbound limit
    (4 MiB) rather than the benchmark's, and `flags` added."""
    from support import Server, free_port
    port = free_port()
    return Server([*wrapper, ECHO_SERVER, "--port", str(port), "--max-outbound", str(4 << 20), *flags], port).start()


def get(port, path, host="127.0.0.1", headers=(), timeout=5):
    """One request on a new connection: (status, headers, body)."""
    client = Raw(port, timeout)
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close", *headers]
    client.send(("\r\n".join(lines) + "\r\n\r\n").encode())
    try:
        return client.read_response()
    finally:
        client.close()
