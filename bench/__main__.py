"""`make bench`: run every benchmark and write bench/results.json and docs/benchmarks.md.

.venv/bin/python -m bench          # full scale
.venv/bin/python -m bench small    # a quick run
"""

from __future__ import annotations

import sys

from bench import assignment_bench


def main() -> None:
    assignment_bench.main(sys.argv[1:])


if __name__ == "__main__":
    main()
