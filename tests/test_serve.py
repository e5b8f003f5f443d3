"""``make serve`` and ``python -m emlib.serve``: the book served quietly, also when browsers drop connections."""

import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from emlib import serve

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def drop_mid_response(port: int, path: str) -> None:
    """Ask for a large file, read a little of it, and reset the connection, as a browser closing a tab does."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert client.recv(1024).startswith(b"HTTP/1.0 200")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset


@pytest.fixture
def checkout(tmp_path):
    """A folder laid out like the repository, with a built book of one page and one large file."""
    html = tmp_path / "_build" / "html"
    html.mkdir(parents=True)
    (html / "index.html").write_text("<!doctype html><title>The book</title><p>Hello</p>\n")
    (html / "large.bin").write_bytes(os.urandom(1024) * 32 * 1024)  # 32 MiB: more than any socket buffer
    (tmp_path / "src").symlink_to(ROOT / "src")
    return tmp_path


def test_make_serve_is_quiet_when_browsers_drop_connections(checkout):
    """Issue 11, cause 15: no BrokenPipe or ConnectionReset traceback in the instructor's terminal."""
    port = free_port()
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(checkout), "serve",
         f"PORT={port}", f"PYTHON={sys.executable}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5) as answer:
                    assert b"Hello" in answer.read()
                break
            except OSError:
                assert make.poll() is None and time.monotonic() < deadline, make.communicate()
                time.sleep(0.2)
        for _ in range(5):
            drop_mid_response(port, "/large.bin")
        time.sleep(1)  # the server's threads meet the dropped connections
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5) as answer:
            assert answer.status == 200  # still serving
    finally:
        os.killpg(make.pid, signal.SIGINT)  # Ctrl+C in the terminal: the whole process group of make
        out, err = make.communicate(timeout=30)
    assert out.splitlines()[0] == f"Serving the book on http://127.0.0.1:{port}/ (Ctrl+C stops it)"
    noise = [line for line in err.splitlines() if "Interrupt" not in line]  # make's own "*** [serve] Interrupt"
    assert noise == [], err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "80000"], "argument --port: invalid port '80000'"),
        (["--port", "http"], "argument --port: invalid port 'http'"),
        (["--directory", "/nonexistent/html"], "argument --directory: no index.html in '/nonexistent/html'"),
    ],
)
def test_cli_refuses_bad_arguments_in_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        serve.main(args)
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error[-1].startswith(f"python -m emlib.serve: error: {message}"), error


def test_cli_refuses_a_port_in_use(checkout, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exit_:
            serve.main(["--directory", str(checkout / "_build" / "html"), "--port", str(port)])
    assert exit_.value.code == 2
    assert f"cannot serve on 127.0.0.1:{port} (Address already in use)" in capsys.readouterr().err


def test_make_server_validates(tmp_path):
    with pytest.raises(ValueError, match="directory must be a folder"):
        serve.make_server(tmp_path / "nothing")
    with pytest.raises(TypeError, match="port must be an integer"):
        serve.make_server(tmp_path, port="8000")
    with pytest.raises(ValueError, match=r"port must be in 0\.\.65535"):
        serve.make_server(tmp_path, port=-1)
