"""Serve the built book to a browser, or a room: ``python -m emlib.serve`` (what ``make serve`` runs).

Python's ``http.server``, made quiet: no line per request, and no traceback
when a browser drops a connection it no longer needs (a closed tab, a
cancelled download, a preloaded page), which browsers do all the time. Any
other error in the server is still reported. Only the standard library is
used, so it runs with any Python 3.11+, without the book's environment.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
from pathlib import Path

from emlib.command_line import argument_parser, run


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files like ``http.server``, without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Say nothing: a workshop's terminal is for the instructor."""


class QuietServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server for which a dropped connection is not an error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore a client that went away (``BrokenPipeError``, ``ConnectionResetError``...); report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(directory: str | Path, host: str = "127.0.0.1", port: int = 8000) -> QuietServer:
    """A :class:`QuietServer` for the files in ``directory`` on ``host:port`` (port 0: any free one).

    Raises
    ------
    TypeError
        If ``directory`` is not a path, ``host`` not a string or ``port`` not an integer.
    ValueError
        If ``directory`` is not a folder, or ``port`` is not in 0..65535.
    OSError
        If the address cannot be used (e.g. the port is taken).
    """
    if not isinstance(directory, (str, Path)):
        raise TypeError(f"directory must be a path, got {type(directory).__name__}")
    if not Path(directory).is_dir():
        raise ValueError(f"directory must be a folder, got {str(directory)!r}")
    if not isinstance(host, str):
        raise TypeError(f"host must be a string, got {type(host).__name__}")
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"port must be an integer, got {type(port).__name__}")
    if not 0 <= port <= 65535:
        raise ValueError(f"port must be in 0..65535, got {port}")
    handler = functools.partial(QuietHandler, directory=str(directory))
    return QuietServer((host, port), handler)


def _port(text: str) -> int:
    """An argparse type: a TCP port number."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: give a number from 0 to 65535, e.g. 8000")
    return port


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl+C; print the address once. Returns 0."""
    parser = argument_parser("emlib.serve", __doc__)
    parser.add_argument("--directory", default="_build/html", help="the built book (default: _build/html)")
    parser.add_argument("--bind", default="127.0.0.1", metavar="HOST",
                        help="address to listen on (default: 127.0.0.1; 0.0.0.0 shares it on the network)")
    parser.add_argument("--port", type=_port, default=8000, help="port (default: 8000; 0 picks a free one)")
    args = parser.parse_args(argv)
    if not (Path(args.directory) / "index.html").is_file():
        parser.error(f"argument --directory: no index.html in {args.directory!r}: build the book first (make book)")
    try:
        server = make_server(args.directory, args.bind, args.port)
    except OSError as err:
        parser.error(f"cannot serve on {args.bind}:{args.port} ({err.strerror or err}): "
                     "choose another port, e.g. make serve PORT=8001")
    with server:
        host, port = server.server_address[:2]
        print(f"Serving the book on http://{host}:{port}/ (Ctrl+C stops it)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    run(main)
