"""``LEDGER_SMTP_URL``, read once: an smtp:// or smtps:// URL naming the sender, else refused in
one line naming the setting; its parts as the mailer uses them."""

from __future__ import annotations

import pytest

from infra.mail import SmtpSender
from infra.settings import Settings, SettingsError


def test_the_url_is_read_with_its_parts() -> None:
    url = "smtp://ledger%40x.cn:p%40ss@mail.example:2525?from=ledger@example.org"
    assert Settings.from_env({"LEDGER_SMTP_URL": url}).smtp_url == url
    assert Settings.from_env({}).smtp_url is None
    sender = SmtpSender(url)
    assert (sender.host, sender.port, sender.tls) == ("mail.example", 2525, False)
    assert (sender.user, sender.password, sender.sender) == (
        "ledger@x.cn",
        "p@ss",
        "ledger@example.org",
    )
    tls = SmtpSender("smtps://mail.example?from=ledger@example.org")
    assert (tls.port, tls.tls) == (465, True)


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example?from=ledger@example.org",
        "smtp://?from=ledger@example.org",
        "smtp://mail.example",
        "smtp://mail.example?from=ledger",
    ],
)
def test_a_bad_url_is_refused_naming_the_setting(url: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"LEDGER_SMTP_URL": url})
    assert str(refused.value).startswith("LEDGER_SMTP_URL must")
    assert "\n" not in str(refused.value)
