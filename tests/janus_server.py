"""A real Janus server on loopback for tests: a minimal config folder, ``janus -F``, teardown.

Only the VideoRoom plugin, the HTTP transport and the sample event handler are
loaded. The event handler posts to an HTTP endpoint the test runs
(:class:`EventSink`), with basic authentication, grouping on.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.contract.http_sink import EventSink, free_port

JANUS = shutil.which("janus")
# Debian's multiarch folder: /usr/lib/<triplet>/janus, whatever the machine.
LIB = next(iter(sorted(Path("/usr/lib").glob("*/janus"))), Path("/usr/lib/janus"))
PLUGINS_OFF = (
    "audiobridge duktape echotest lua nosip recordplay sip streaming textroom videocall voicemail"
)
TRANSPORTS_OFF = "mqtt nanomsg pfunix rabbitmq websockets"
HANDLERS_OFF = "gelfevh mqttevh nanomsgevh rabbitmqevh wsevh"


def _libraries(names: str, kind: str) -> str:
    folder = LIB / kind
    return ",".join(
        f"libjanus_{name}.so" for name in names.split() if (folder / f"libjanus_{name}.so").exists()
    )


@dataclass
class JanusServer:
    api_url: str
    token_secret: str
    admin_key: str
    webhook_user: str
    webhook_secret: str
    sink: EventSink
    log: Path

    def provider_config(self, **overrides) -> dict:
        return {
            "api_url": self.api_url,
            "token_secret": self.token_secret,
            "admin_key": self.admin_key,
            "room_secret": "our-room-secret",
            "room_page_url": "https://seminar.example.org/rooms/{key}/",
            "webhook_user": self.webhook_user,
            "webhook_secret": self.webhook_secret,
            **overrides,
        }


def write_config(folder: Path, *, port: int, sink: EventSink, secrets: dict[str, str]) -> None:
    (folder / "janus.jcfg").write_text(
        f"""general: {{
\tconfigs_folder = "{folder}"
\tplugins_folder = "{LIB / "plugins"}"
\ttransports_folder = "{LIB / "transports"}"
\tevents_folder = "{LIB / "events"}"
\tloggers_folder = "{LIB / "loggers"}"
\tdebug_level = 4
\ttoken_auth = true
\ttoken_auth_secret = "{secrets["token"]}"
}}
nat: {{
\tice_enforce_list = "lo"
}}
media: {{
}}
plugins: {{
\tdisable = "{_libraries(PLUGINS_OFF, "plugins")}"
}}
transports: {{
\tdisable = "{_libraries(TRANSPORTS_OFF, "transports")}"
}}
loggers: {{
\tdisable = "libjanus_jsonlog.so"
}}
events: {{
\tbroadcast = true
\tdisable = "{_libraries(HANDLERS_OFF, "events")}"
\tstats_period = 0
}}
"""
    )
    (folder / "janus.transport.http.jcfg").write_text(
        f"""general: {{
\tjson = "compact"
\tbase_path = "/janus"
\thttp = true
\tport = {port}
\tinterface = "lo"
\thttps = false
}}
admin: {{
\tadmin_http = false
}}
"""
    )
    (folder / "janus.plugin.videoroom.jcfg").write_text(
        f'general: {{\n\tadmin_key = "{secrets["admin"]}"\n}}\n'
    )
    (folder / "janus.eventhandler.sampleevh.jcfg").write_text(
        f"""general: {{
\tenabled = true
\tevents = "plugins"
\tgrouping = true
\tjson = "compact"
\tbackend = "{sink.url}"
\tbackend_user = "janus"
\tbackend_pwd = "{secrets["webhook"]}"
\tmax_retransmissions = 2
}}
"""
    )


@pytest.fixture(scope="module")
def janus_server(tmp_path_factory) -> Iterator[JanusServer]:
    if JANUS is None or not (LIB / "plugins" / "libjanus_videoroom.so").exists():
        pytest.skip("the Debian package 'janus' is not installed (CI installs it)")
    folder = tmp_path_factory.mktemp("janus")
    port = free_port()
    secrets = {"token": "token-secret", "admin": "room-admin-key", "webhook": "hook-secret"}
    sink = EventSink()
    write_config(folder, port=port, sink=sink, secrets=secrets)
    log = folder / "janus.log"
    with sink.running():
        process = subprocess.Popen(
            [
                JANUS,
                "-F",
                str(folder),
                "-C",
                str(folder / "janus.jcfg"),
                "-L",
                str(log),
                "-N",
                "-o",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        api_url = f"http://127.0.0.1:{port}/janus"
        try:
            deadline = time.monotonic() + 20
            while True:
                if process.poll() is not None:
                    pytest.fail(f"janus exited: {log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{api_url}/info", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    pytest.fail(f"janus did not start: {log.read_text()[-2000:]}")
                time.sleep(0.1)
            yield JanusServer(
                api_url=api_url,
                token_secret=secrets["token"],
                admin_key=secrets["admin"],
                webhook_user="janus",
                webhook_secret=secrets["webhook"],
                sink=sink,
                log=log,
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def janus_call(server: JanusServer, path: str, body: dict, token: str) -> dict:
    """A raw Janus API request, as a browser with janus.js would send it."""
    message = {"transaction": str(time.monotonic_ns()), "token": token, **body}
    return httpx.post(server.api_url + path, json=message, timeout=5).json()
