"""Fixtures that name one of ape's test accounts by the role it plays in a test."""

from typing import Any

import pytest


def account_fixture(name: str, index: int, scope: str = "session") -> Any:
    """A fixture called `name` that is test account `index`."""

    @pytest.fixture(scope=scope, name=name)
    def account(accounts: Any) -> Any:
        return accounts[index]

    return account
