"""The benchmarks of `make bench`.

The calculator is compared with the plain-Python formula evaluator that the tests use as their
oracle; it lives with the tests, not in the product.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))
