#!/usr/bin/env python3
"""Writes the packaging overlay that `./x dist` hands to `tauri build --config`.

It is installers/linux/bundle.json plus what depends on the build:
- the shared libraries the binaries really link, as package dependencies: Debian's from
  dpkg-shlibdeps (package names with minimum versions), RPM's as sonames, the form
  rpmbuild generates itself (`libdbus-1.so.3()(64bit)`), so both follow the code;
- with TAURI_SIGNING_PRIVATE_KEY set, the updater artifacts (a signature per package).

usage: dist-config.py OUT.json BINARY...
"""

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def deb_depends(binaries):
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "debian"))
        with open(os.path.join(tmp, "debian", "control"), "w") as f:
            f.write("Source: cardcat\n\nPackage: cardcat\nArchitecture: any\n")
        out = subprocess.run(
            ["dpkg-shlibdeps", "-O"] + ["-e" + os.path.abspath(b) for b in binaries],
            cwd=tmp,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    for line in out.splitlines():
        if line.startswith("shlibs:Depends="):
            return [d.strip() for d in line.split("=", 1)[1].split(",") if d.strip()]
    raise SystemExit("dist-config: dpkg-shlibdeps printed no dependencies")


def rpm_requires(binaries):
    needed = []
    for b in binaries:
        out = subprocess.run(
            ["readelf", "-d", b], check=True, capture_output=True, text=True
        ).stdout
        for m in re.finditer(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out):
            req = m.group(1) + "()(64bit)"
            if req not in needed:
                needed.append(req)
    return needed


def merged(base, extra):
    out = list(base)
    for d in extra:
        if d not in out:
            out.append(d)
    return out


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    out, *binaries = sys.argv[1:]
    with open(os.path.join(HERE, "bundle.json")) as f:
        cfg = json.load(f)
    deb = cfg["bundle"]["linux"]["deb"]
    rpm = cfg["bundle"]["linux"]["rpm"]
    deb["depends"] = merged(deb["depends"], deb_depends(binaries))
    rpm["depends"] = merged(rpm["depends"], rpm_requires(binaries))
    # with the release key at hand, the bundler also signs each package for the updater
    if os.environ.get("TAURI_SIGNING_PRIVATE_KEY"):
        cfg["bundle"]["createUpdaterArtifacts"] = True
    with open(out, "w") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)
    print("dist-config: deb depends: " + ", ".join(deb["depends"]))
    print("dist-config: rpm requires: " + ", ".join(rpm["depends"]))


if __name__ == "__main__":
    main()
