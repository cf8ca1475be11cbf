"""A local tile server for the base-map tests: 256-pixel PNG tiles in one recognisable colour
(magenta, which no map colour of the dashboard uses), every requested path recorded.

``hang=True`` makes it accept requests and never answer them (until :meth:`stop`), as a
firewall that drops packets does; ``status`` answers every request with that HTTP status;
``straten=True`` serves tiles that look like a grey street map instead (for screenshots).
"""
from __future__ import annotations

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

TEGEL_KLEUR = (255, 0, 255)
TEGEL_PAD = re.compile(r"^/tegels/(\d+)/(\d+)/(\d+)\.png$")


def tegel_png(kleur=TEGEL_KLEUR) -> bytes:
    image = Image.new("RGB", (256, 256), kleur)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def straten_png() -> bytes:
    """A tile that looks roughly like the grey BRT-Achtergrondkaart (light ground, grey
    streets, a strip of water), to judge by eye whether the buurt colours stay readable."""
    from PIL import ImageDraw
    image = Image.new("RGB", (256, 256), (238, 238, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 200, 256, 230], fill=(205, 208, 214))
    for step in range(0, 256, 64):
        draw.line([(step + 20, 0), (step + 5, 256)], fill=(175, 175, 175), width=4)
        draw.line([(0, step + 30), (256, step + 40)], fill=(190, 190, 190), width=2)
    for x in range(30, 256, 64):
        draw.rectangle([x, 60, x + 14, 74], fill=(215, 215, 215))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class Tegelserver:
    """``with Tegelserver() as server: server.url_template`` → ``http://127.0.0.1:<port>/
    tegels/{z}/{x}/{y}.png``; ``server.paden`` lists the paths asked for."""

    def __init__(self, *, hang: bool = False, status: int = 200, straten: bool = False):
        self.paden: list[str] = []
        # Read at every request, so a test may switch them between pages.
        self.hang = hang
        self.status = status
        self.straten = straten
        self._los = threading.Event()
        self._lock = threading.Lock()
        self._pngs = {False: tegel_png(), True: straten_png()}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url_template(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/tegels/{{z}}/{{x}}/{{y}}.png"

    def tegels(self) -> list[tuple[int, int, int]]:
        """(z, x, y) of every tile asked for."""
        with self._lock:
            paden = list(self.paden)
        return [tuple(int(v) for v in m.groups()) for p in paden if (m := TEGEL_PAD.match(p))]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with server._lock:
                    server.paden.append(self.path)
                if server.hang:
                    server._los.wait()
                    return
                if server.status != 200 or not TEGEL_PAD.match(self.path):
                    self.send_response(server.status if server.status != 200 else 404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                png = server._pngs[bool(server.straten)]
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                # MapLibre fetches tiles with CORS; a tile without this header is refused.
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(png)

            def log_message(self, *args):       # keep the test output clean
                pass

        return Handler

    def start(self) -> Tegelserver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._los.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Tegelserver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
