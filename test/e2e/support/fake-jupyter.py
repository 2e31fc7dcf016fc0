#!/usr/bin/python3
"""Stands in for JupyterLab in the browser tests (the host has no JupyterLab): as the analysis a
researcher would run, it copies the tables in ../share/analysis/ beside this script into the
workspace's outbox ($KLARSYN_OUTBOX), then serves a small page under --ServerApp.base_url on the Unix
socket --ServerApp.sock, answering only requests with the workspace's token, as JupyterLab does."""
import os
import shutil
import socketserver
import sys
from http.server import BaseHTTPRequestHandler

options = dict(arg[2:].split('=', 1) for arg in sys.argv[2:] if arg.startswith('--') and '=' in arg)
SOCKET = options['ServerApp.sock']
BASE = options['ServerApp.base_url']
TOKEN = os.environ['JUPYTER_TOKEN']

analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'share', 'analysis')
for name in sorted(os.listdir(analysis)):
    shutil.copyfile(os.path.join(analysis, name), os.path.join(os.environ['KLARSYN_OUTBOX'], name))

PAGE = ('<!doctype html><html lang="en"><title>Analysis</title><main><h1>Analysis</h1>'
        '<p>Tables written to the outbox.</p></main></html>').encode()


class Handler(BaseHTTPRequestHandler):
    def address_string(self):
        return 'proxy'

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.headers.get('Authorization') != f'token {TOKEN}' or not self.path.startswith(BASE):
            self.send_response(403)
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        self.send_response(200)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


Server(SOCKET, Handler).serve_forever()
