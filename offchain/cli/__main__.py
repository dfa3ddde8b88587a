"""`python -m offchain.cli`: the same as `carbon` (the tests run it as a subprocess)."""

from offchain.cli import main

main()
