"""Mail through the installation's SMTP server (``LEDGER_SMTP_URL``):

smtp://[USER:PASSWORD@]HOST[:PORT]?from=ADDRESS      plain, STARTTLS when offered
smtps://[USER:PASSWORD@]HOST[:PORT]?from=ADDRESS     TLS from the start
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlparse

from services.mailing import MailFailed

SCHEMES = {"smtp": 25, "smtps": 465}


class SmtpSender:
    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlparse(url)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise ValueError("LEDGER_SMTP_URL must be smtp://HOST[:PORT] or smtps://…")
        sender = parse_qs(parts.query).get("from", [""])[0]
        if "@" not in sender:
            raise ValueError("LEDGER_SMTP_URL must name the sender: ?from=ledger@example.org")
        self.tls = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or SCHEMES[parts.scheme]
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.timeout = timeout

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        try:
            with self._connect() as server:
                if not self.tls and server.has_extn("starttls"):
                    server.starttls(context=ssl.create_default_context())
                if self.user:
                    server.login(self.user, self.password or "")
                server.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailFailed(str(error) or type(error).__name__) from None

    def _connect(self) -> smtplib.SMTP:
        if self.tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout)
        server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        server.ehlo()
        return server
