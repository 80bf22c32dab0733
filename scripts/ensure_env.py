"""Create .env from .env.example on first run, generating every <generated> secret.

Existing values are kept; keys added to .env.example later are appended.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "<generated>"


def parse(lines: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def main(env_path: Path = ROOT / ".env", example_path: Path = ROOT / ".env.example") -> int:
    example_lines = example_path.read_text(encoding="utf-8").splitlines()
    existing = parse(env_path.read_text(encoding="utf-8").splitlines()) if env_path.exists() else {}
    out: list[str] = []
    added = 0
    for line in example_lines:
        key = line.partition("=")[0].strip() if "=" in line and not line.lstrip().startswith("#") else ""
        if not key:
            if not env_path.exists():
                out.append(line)
            continue
        if key in existing:
            continue
        value = line.partition("=")[2].strip()
        if value == PLACEHOLDER:
            value = secrets.token_urlsafe(32)
        out.append(f"{key}={value}")
        added += 1
    if not env_path.exists():
        env_path.write_text("\n".join(out) + "\n", encoding="utf-8")
        env_path.chmod(0o600)
        print(f"created {env_path.name} with fresh secrets")
    elif added:
        with env_path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(out) + "\n")
        print(f"added {added} new setting(s) to {env_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
