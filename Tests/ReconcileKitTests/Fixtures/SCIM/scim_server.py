#!/usr/bin/env python3
"""Runs scim2-server on a free 127.0.0.1 port for the tests, and stops it when stdin closes.

Usage: scim_server.py SCIM2_SERVER_EXECUTABLE BEARER_TOKEN
Prints "READY <port>" once the server answers. The test process holds this script's stdin open;
when that process ends in any way (even a crash), stdin closes and the server is stopped, so no
server is ever left behind.
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(executable, token):
    for _ in range(5):
        port = free_port()
        server = subprocess.Popen(
            [executable, "--hostname", "127.0.0.1", "--port", str(port), "--bearer-token", token, "--dynamic-tenants"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and server.poll() is None:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ready/v2/ServiceProviderConfig", timeout=1).read()
                return server, port
            except Exception:
                time.sleep(0.05)
        stop(server)
    sys.exit("scim2-server did not start")


def stop(server):
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    executable, token = sys.argv[1], sys.argv[2]
    server, port = start(executable, token)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())

    def watch_stdin():
        sys.stdin.buffer.read()
        done.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"READY {port}", flush=True)
    while not done.wait(0.5):
        if server.poll() is not None:
            break
    stop(server)


if __name__ == "__main__":
    main()
