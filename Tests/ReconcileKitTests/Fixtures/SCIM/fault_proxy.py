#!/usr/bin/env python3
"""A loopback HTTP proxy in front of scim2-server that injects faults, for the SCIM client tests.

Usage: fault_proxy.py UPSTREAM_PORT RULES_JSON
Listens on a free 127.0.0.1 port, prints "READY <port>", and exits when stdin closes.

RULES_JSON is an object:
  "rules": a list of faults, each applied to matching requests in order:
     {"method": "POST", "path": "/Users$" (a regular expression searched in the path),
      "skip": 0 (let this many matches through first), "times": 1 (then apply to this many),
      "action": "drop"        close the connection without forwarding (a dropped connection)
              | "drop_after"  forward, then close without answering (a lost answer)
              | "delay"       wait "seconds", then forward
              | "respond"     answer "status" with "headers" and "body" (JSON) without forwarding
              | "bump"        before forwarding a PATCH, change the user's displayName upstream
                              (so its If-Match version is stale: a 412)}
  "oauth": {"client_id", "client_secret", "upstream_token", "uses": N} makes the proxy an OAuth 2.0
     token endpoint at POST /token (client credentials, form body) whose tokens are each good for N
     requests; others get 401. Requests are forwarded with the upstream bearer token.
"tls": true serves HTTPS with a self-signed certificate no client trusts (untrusted-cert.pem).
GET /__proxy/log answers the requests seen: [{"method", "path", "action", "status", "operations"}].
"""
import http.client
import http.server
import json
import os
import re
import ssl
import sys
import threading
import time
import urllib.parse

UPSTREAM_PORT = int(sys.argv[1])
CONFIG = json.loads(sys.argv[2])
RULES = [dict(rule, seen=0) for rule in CONFIG.get("rules", [])]
OAUTH = CONFIG.get("oauth")
LOCK = threading.Lock()
LOG = []
TOKENS = {}  # token -> uses left
ISSUED = [0]


def upstream(method, path, body, headers):
    connection = http.client.HTTPConnection("127.0.0.1", UPSTREAM_PORT, timeout=30)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, [(k, v) for k, v in response.getheaders() if k.lower() not in ("connection", "transfer-encoding")], data


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def record(self, entry):
        with LOCK:
            LOG.append(entry)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        path = self.path
        entry = {"method": self.command, "path": path, "action": None, "status": None}
        if path == "/__proxy/log":
            with LOCK:
                data = json.dumps(LOG).encode()
            return self.answer(200, [("Content-Type", "application/json")], data)
        if path.endswith("/Bulk") and body:
            entry["operations"] = len(json.loads(body).get("Operations", []))
        if OAUTH and path == "/token" and self.command == "POST":
            return self.token(body, entry)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
        if OAUTH:
            token = (self.headers.get("Authorization") or "")[len("Bearer "):]
            with LOCK:
                left = TOKENS.get(token, 0)
                if left > 0:
                    TOKENS[token] = left - 1
            if left <= 0:
                entry["status"] = 401
                self.record(entry)
                return self.answer(401, [("Content-Type", "application/scim+json"), ("WWW-Authenticate", 'Bearer realm="SCIM"')],
                                   b'{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"token expired"}')
            headers["Authorization"] = "Bearer " + OAUTH["upstream_token"]
        rule = self.match()
        action = rule["action"] if rule else None
        entry["action"] = action
        if action == "drop":
            self.record(entry)
            self.close_connection = True
            return
        if action == "respond":
            entry["status"] = rule.get("status", 500)
            self.record(entry)
            data = json.dumps(rule["body"]).encode() if "body" in rule else b""
            return self.answer(entry["status"], list(rule.get("headers", {}).items()), data)
        if action == "delay":
            time.sleep(rule.get("seconds", 1))
        if action == "bump":
            status, _, data = upstream("GET", path, None, headers)
            upstream("PATCH", path, json.dumps({"Operations": [{"op": "replace", "path": "displayName", "value": "Changed Elsewhere"}]}),
                     dict(headers, **{"Content-Type": "application/scim+json"}))
        status, response_headers, data = upstream(self.command, path, body, headers)
        entry["status"] = status
        self.record(entry)
        if action == "drop_after":
            self.close_connection = True
            return
        self.answer(status, response_headers, data)

    def match(self):
        with LOCK:
            for rule in RULES:
                if rule.get("method", self.command) != self.command or not re.search(rule.get("path", ""), self.path):
                    continue
                rule["seen"] += 1
                if rule["seen"] <= rule.get("skip", 0) or rule["seen"] > rule.get("skip", 0) + rule.get("times", 1):
                    continue
                return rule
        return None

    def token(self, body, entry):
        form = dict(urllib.parse.parse_qsl((body or b"").decode()))
        ok = (form.get("grant_type") == "client_credentials" and form.get("client_id") == OAUTH["client_id"]
              and form.get("client_secret") == OAUTH["client_secret"])
        entry["status"] = 200 if ok else 401
        entry["scope"] = form.get("scope")
        self.record(entry)
        if not ok:
            return self.answer(401, [("Content-Type", "application/json")],
                               json.dumps({"error": "invalid_client", "error_description": "unknown client"}).encode())
        with LOCK:
            ISSUED[0] += 1
            token = f"access-token-{ISSUED[0]}"
            TOKENS[token] = OAUTH.get("uses", 1000000)
        data = json.dumps({"access_token": token, "token_type": "Bearer", "expires_in": OAUTH.get("expires_in", 3600)}).encode()
        self.answer(200, [("Content-Type", "application/json")], data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if CONFIG.get("tls"):
        here = os.path.dirname(os.path.abspath(__file__))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(here, "untrusted-cert.pem"), os.path.join(here, "untrusted-key.pem"))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    sys.stdin.buffer.read()
    server.shutdown()


if __name__ == "__main__":
    main()
