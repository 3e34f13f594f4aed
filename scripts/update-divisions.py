#!/usr/bin/env python3
"""Refresh server/reference/divisions.json from the PyPI package `vietnam-provinces`.

The package ships the official list of the 34 provinces and 3,321 communes/wards after the
1/7/2025 reform. The server embeds the trimmed copy this script writes, so neither a build nor
a start needs Python or the network. Run it when a new version of the package is published:

    python3 scripts/update-divisions.py [VERSION]
"""
import glob
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

version = sys.argv[1] if len(sys.argv) > 1 else "2025.10.1"
out = pathlib.Path(__file__).resolve().parent.parent / "server" / "reference" / "divisions.json"

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp,
         f"vietnam-provinces=={version}"],
        check=True,
    )
    wheel = zipfile.ZipFile(glob.glob(f"{tmp}/*.whl")[0])
    provinces = json.loads(wheel.read("vietnam_provinces/data/nested-divisions.json"))

trimmed = {
    "source": f"vietnam-provinces {version}",
    "provinces": [
        {"code": p["code"], "name": p["name"],
         "wards": [[w["code"], w["name"]] for w in p["wards"]]}
        for p in provinces
    ],
}
out.write_text(json.dumps(trimmed, ensure_ascii=False, separators=(",", ":")) + "\n")
print(f"{out}: {len(trimmed['provinces'])} provinces, "
      f"{sum(len(p['wards']) for p in trimmed['provinces'])} communes/wards")
