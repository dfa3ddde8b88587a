"""Named development accounts shared by the end-to-end tests (anvil funds them)."""

from offchain.accounts import dev_account

REGULATOR, ADMIN, WRITER, AGENCY, OUTSIDER = (dev_account(n) for n in (0, 3, 4, 5, 6))
