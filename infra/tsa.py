"""An RFC 3161 timestamp authority (TSA) over HTTP, and the reading of its tokens, with
``rfc3161-client``: what ``services.timestamps`` asks of a ``TimestampAuthority`` and a
``StampReader``.

A request is the SHA-256 of what is stamped, with a nonce, asking for the TSA's certificate
(``certReq``), POSTed as ``application/timestamp-query`` (RFC 3161 §3.4) with the standard
library's urllib and a timeout. A reply is kept only if its status is granted, its signature
chains to the certificates configured (``LEDGER_TSA_CERTS``) through a signer whose
certificate has the critical extendedKeyUsage timeStamping, its nonce is the request's, and
its message imprint is SHA-256 over exactly the hash sent.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import rfc3161_client as rfc3161
from cryptography import x509
from cryptography.x509.oid import NameOID

from domain.moments import stamp
from infra.settings import Settings, SettingsError
from services.timestamps import AuthorityFailed, Stamp, StampRefused

SHA256 = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
MAX_REPLY = 1 << 20  # bytes: a reply is a few kilobytes; more is no reply
# The subject's parts a reader names an authority by, most telling first
NAMED_BY = (NameOID.COMMON_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME, NameOID.ORGANIZATION_NAME)


@dataclass(frozen=True)
class CertificateReader:
    """Reads a TSA's reply: checked against ``roots`` (the certificates configured), or only
    decoded and its imprint compared where none are (``signatures_checked`` False)."""

    roots: tuple[x509.Certificate, ...] = ()

    @property
    def signatures_checked(self) -> bool:
        return bool(self.roots)

    def read(self, reply: bytes, sha256: str, *, nonce: int | None = None) -> Stamp:
        try:
            response = rfc3161.decode_timestamp_response(reply)
            info = response.tst_info
            imprint = info.message_imprint
        except Exception as error:  # the library's parser raises its own kinds of ValueError
            raise StampRefused(f"not a timestamp reply ({_said(error)})") from None
        if imprint.hash_algorithm != SHA256:
            raise StampRefused(f"the token's hash is not SHA-256 ({imprint.hash_algorithm})")
        if self.roots:
            self._verify(response, imprint.message, nonce)
        elif response.status != rfc3161.PKIStatus.GRANTED:
            raise StampRefused(f"the authority did not grant it (status {response.status})")
        stamped = imprint.message.hex()
        if stamped != sha256:
            raise StampRefused(f"the token stamps another hash ({stamped})", other_hash=stamped)
        try:
            return Stamp(reply, sha256, stamp(info.gen_time), authority_of(response))
        except (ValueError, IndexError) as error:  # no signer, a certificate past reading
            raise StampRefused(f"the token names no authority ({_said(error)})") from None

    def _verify(self, response, digest: bytes, nonce: int | None) -> None:
        builder = rfc3161.VerifierBuilder(nonce=nonce)
        for root in self.roots:
            builder = builder.add_root_certificate(root)
        try:
            builder.build().verify(response, digest)
        except Exception as error:  # VerificationError, or ValueError from the PKCS#7 check
            raise StampRefused(f"the token does not verify ({_said(error)})") from None


@dataclass(frozen=True)
class HttpAuthority:
    """The TSA at ``url``, whose replies ``reader`` checks."""

    url: str
    reader: CertificateReader
    timeout: float = 10.0

    def stamp(self, data: bytes) -> Stamp:
        request = (
            rfc3161.TimestampRequestBuilder()
            .data(data)
            .hash_algorithm(rfc3161.HashAlgorithm.SHA256)
            .cert_request(cert_request=True)
            .build()
        )
        reply = self._send(request.as_bytes())
        return self.reader.read(reply, hashlib.sha256(data).hexdigest(), nonce=request.nonce)

    def _send(self, query: bytes) -> bytes:
        posted = urllib.request.Request(
            self.url,
            data=query,
            headers={"Content-Type": "application/timestamp-query"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(posted, timeout=self.timeout) as answer:
                return answer.read(MAX_REPLY)
        except urllib.error.HTTPError as error:
            raise AuthorityFailed(f"the authority answered HTTP {error.code}") from None
        except (OSError, ValueError) as error:  # refused, reset, timed out, a bad URL …
            raise AuthorityFailed(f"the authority did not answer ({_said(error)})") from None


def authority_of(response) -> str:
    """The signing certificate's subject in words: its name, then its organisation
    (测试时间戳服务（乡镇台账测试中心）); the subject's RFC 4514 text if it has neither."""
    signer = list(response.signed_data.signer_infos)[0]
    for der in response.signed_data.certificates:
        certificate = x509.load_der_x509_certificate(der)
        if (certificate.issuer, certificate.serial_number) == (signer.issuer, signer.serial_number):
            return subject_words(certificate.subject)
    return subject_words(signer.issuer) + " (issuer)"


def subject_words(name: x509.Name) -> str:
    parts = []
    for oid in NAMED_BY:
        for attribute in name.get_attributes_for_oid(oid):
            if str(attribute.value) not in parts:
                parts.append(str(attribute.value))
    if not parts:
        return name.rfc4514_string()
    first, *rest = parts
    if not rest:
        return first
    if all(part.isascii() for part in parts):
        return f"{first} ({', '.join(rest)})"
    return f"{first}（{'，'.join(rest)}）"


def _said(error: BaseException) -> str:
    text = str(getattr(error, "reason", None) or error) or type(error).__name__
    return text.splitlines()[0][:200]


def open_reader(settings: Settings) -> CertificateReader | None:
    """The reader of tokens: with the certificates of ``LEDGER_TSA_CERTS`` (None: not set)."""
    if settings.tsa_certs is None:
        return None
    path = Path(settings.tsa_certs)
    try:
        roots = x509.load_pem_x509_certificates(path.read_bytes())
    except OSError as error:
        problem = error.strerror or type(error).__name__
    except ValueError:
        problem = "no PEM certificate in it"
    else:
        return CertificateReader(tuple(roots))
    raise SettingsError(f"LEDGER_TSA_CERTS must name a PEM file of certificates: {path}: {problem}")


def open_authority(settings: Settings) -> tuple[HttpAuthority | None, CertificateReader | None]:
    """The TSA ``LEDGER_TSA_URL`` names (None: none) and the reader of tokens."""
    reader = open_reader(settings)
    if settings.tsa_url is None or reader is None:
        return None, reader
    return HttpAuthority(settings.tsa_url, reader, settings.tsa_timeout), reader
