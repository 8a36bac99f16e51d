#!/usr/bin/env python3
"""Check a township ledger audit export without the product, from a checkout:

    python3 tools/verify_export.py EXPORT.jsonl [--receipt SHA256] [--head TOWNSHIP:LINK:SHA256 ...]
                                   [--tsa-ca CA.pem]

The checker is services/verify_export.py (standard library only), the file the audit page
serves; this runs it without importing the product's packages."""

import runpy
from pathlib import Path

if __name__ == "__main__":
    checker = Path(__file__).resolve().parents[1] / "services" / "verify_export.py"
    runpy.run_path(str(checker), run_name="__main__")
