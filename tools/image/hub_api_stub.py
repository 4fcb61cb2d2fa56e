"""A stand-in for the hub's API on 127.0.0.1:8081, for `make image-test`: jupyterhub-singleuser asks the
hub for its version at start and exits when no hub answers. It answers every GET with the version of
the hub in Zero to JupyterHub's chart (argv[1]) and every POST (activity reports) with 200."""
import http.server
import json
import sys

VERSION = sys.argv[1]


class HubApi(http.server.BaseHTTPRequestHandler):
    def answer(self):
        body = json.dumps({"version": VERSION}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-JupyterHub-Version", VERSION)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", 8081), HubApi).serve_forever()
