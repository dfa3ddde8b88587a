"""Values the ingest unit tests share: an enterprise and two device keys."""

from offchain.core.credit_code import with_check

CODE = with_check("91110000MA0000001")
KEY = bytes.fromhex("11" * 32)
OTHER_KEY = bytes.fromhex("22" * 32)
