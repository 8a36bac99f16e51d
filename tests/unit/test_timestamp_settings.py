"""The trusted timestamps' settings, read once: a TSA's URL needs the certificates its tokens
are checked against; what is not a URL, a number of seconds or a PEM file is refused in one
line naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.settings import Settings, SettingsError
from infra.tsa import open_authority


def test_the_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "LEDGER_TSA_URL": "https://tsa.example/tsr",
            "LEDGER_TSA_CERTS": str(tmp_path / "ca.pem"),
            "LEDGER_TSA_TIMEOUT": "2.5",
        }
    )
    assert (settings.tsa_url, settings.tsa_certs, settings.tsa_timeout) == (
        "https://tsa.example/tsr",
        str(tmp_path / "ca.pem"),
        2.5,
    )
    assert Settings.from_env({}).tsa_url is None
    assert open_authority(Settings.from_env({})) == (None, None)


@pytest.mark.parametrize(
    ("environ", "said"),
    [
        ({"LEDGER_TSA_URL": "http://127.0.0.1:9/tsa"}, "LEDGER_TSA_CERTS must be set"),
        ({"LEDGER_TSA_URL": "ftp://tsa", "LEDGER_TSA_CERTS": "ca.pem"}, "LEDGER_TSA_URL must"),
        ({"LEDGER_TSA_TIMEOUT": "nan"}, "LEDGER_TSA_TIMEOUT must be a number of seconds"),
        ({"LEDGER_TSA_TIMEOUT": "0"}, "LEDGER_TSA_TIMEOUT must be a number of seconds"),
        ({"LEDGER_TSA_TIMEOUT": "soon"}, "LEDGER_TSA_TIMEOUT must be a number of seconds"),
    ],
)
def test_settings_that_cannot_work_are_refused(environ: dict, said: str) -> None:
    with pytest.raises(SettingsError, match=said):
        Settings.from_env(environ)


def test_certificates_that_are_no_pem_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a certificate")
    for path, said in (
        (tmp_path / "notes.txt", "no PEM certificate"),
        (tmp_path / "gone", "No such file"),
    ):
        settings = Settings(tsa_url="http://127.0.0.1:9/tsa", tsa_certs=str(path))
        with pytest.raises(SettingsError, match=f"LEDGER_TSA_CERTS .*{said}"):
            open_authority(settings)
