"""A real RFC 3161 timestamp authority on loopback, for the tests: OpenSSL's ``openssl ts
-reply`` behind a small HTTP handler (``http.server`` in a thread), with a test CA and a TSA
certificate (extendedKeyUsage critical timeStamping) made here with ``openssl req`` and
``openssl x509``. Nothing is mocked: every token it answers is signed by OpenSSL.

``TestAuthority.answer`` makes it misbehave, as TSAs out there do: ``"garbage"`` (200 with
bytes that are no reply), ``"error"`` (500), ``"slow"`` (answers after ``slow_seconds``),
``"other_hash"`` (a valid token, signed, over a hash other than the one asked for);
``stop()`` and ``start()`` take it away and bring it back on the same port.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import missing

AUTHORITY_SUBJECT = "/C=CN/O=乡镇台账测试中心/CN=测试时间戳服务"
ROOT_SUBJECT = "/C=CN/O=乡镇台账测试中心/CN=测试根证书"
# What pages show as the authority (the TSA certificate's subject, in words)
AUTHORITY_WORDS = "测试时间戳服务（乡镇台账测试中心）"

CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.55555.1.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

TSA_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def openssl(*args: str, cwd: Path) -> bytes:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def make_certificates(folder: Path) -> None:
    """A root CA (ca.pem) and a TSA certificate it signed (tsa.pem, key tsa.key)."""
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    openssl("req", "-x509", *ec, "-utf8", "-keyout", "ca.key", "-out", "ca.pem",
            "-subj", ROOT_SUBJECT, "-days", "3650",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)  # fmt: skip
    openssl("req", "-new", *ec, "-utf8", "-keyout", "tsa.key", "-out", "tsa.csr",
            "-subj", AUTHORITY_SUBJECT, cwd=folder)  # fmt: skip
    (folder / "tsa.ext").write_text(TSA_EXTENSIONS)
    openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "tsa.pem", "-days", "3650", "-extfile", "tsa.ext",
            cwd=folder)  # fmt: skip
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(CONFIG.format(dir=folder))


class TestAuthority:
    """The TSA: ``url`` to configure as ``LEDGER_TSA_URL``, ``ca`` as ``LEDGER_TSA_CERTS``."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ca = folder / "ca.pem"
        self.answer = "ok"  # or "garbage", "error", "slow", "other_hash"
        self.slow_seconds = 3.0
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._serial = threading.Lock()  # openssl ts -reply keeps its serial in a file
        self._thread: threading.Thread | None = None
        self.port = 0
        if not self.ca.exists():  # made once a session
            make_certificates(folder)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tsa"

    def reply(self, query: bytes) -> bytes:
        """What ``openssl ts -reply`` answers to ``query`` (a DER TimeStampReq)."""
        with self._serial, tempfile.TemporaryDirectory(dir=self.folder) as work:
            (Path(work) / "query.tsq").write_bytes(query)
            openssl("ts", "-reply", "-config", str(self.folder / "tsa.cnf"),
                    "-queryfile", "query.tsq", "-out", "reply.tsr", cwd=Path(work))  # fmt: skip
            return (Path(work) / "reply.tsr").read_bytes()

    def stamp_digest(self, digest_hex: str) -> bytes:
        """A reply over ``digest_hex`` (SHA-256), asked with ``openssl ts -query``."""
        with tempfile.TemporaryDirectory(dir=self.folder) as work:
            openssl("ts", "-query", "-digest", digest_hex, "-sha256", "-cert",
                    "-out", "query.tsq", cwd=Path(work))  # fmt: skip
            return self.reply((Path(work) / "query.tsq").read_bytes())

    def start(self) -> TestAuthority:
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                authority.requests += 1
                query = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, body = authority.respond(query)
                self.send_response(status)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def respond(self, query: bytes) -> tuple[int, bytes]:
        if self.answer == "error":
            return 500, b"internal error"
        if self.answer == "garbage":
            return 200, b"\x30\x03\x02\x01" + bytes(range(40))
        if self.answer == "slow":
            time.sleep(self.slow_seconds)
        if self.answer == "other_hash":
            return 200, self.reply(other_imprint(query))
        return 200, self.reply(query)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def other_imprint(query: bytes) -> bytes:
    """``query`` asking for a token over another SHA-256 (its 32 bytes flipped), nonce kept."""
    digest = _imprint(query)
    other = hashlib.sha256(digest).digest()
    return query.replace(digest, other, 1)


def _imprint(query: bytes) -> bytes:
    """The hashedMessage of a SHA-256 TimeStampReq: the 32 bytes after its OCTET STRING tag."""
    marker = query.find(b"\x04\x20")
    return query[marker + 2 : marker + 34]


@pytest.fixture(scope="session")
def tsa_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        missing("openssl is not installed: the test TSA is OpenSSL's `openssl ts -reply`")
    return tmp_path_factory.mktemp("tsa")


@pytest.fixture
def tsa(tsa_folder: Path) -> Iterator[TestAuthority]:
    """A TSA answering on loopback for this test (the certificates are the session's)."""
    authority = TestAuthority(tsa_folder).start()
    yield authority
    authority.stop()
