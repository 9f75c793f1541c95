#!/usr/bin/env python3
"""Reads a /var/lib/ci-warm registry the way cc-ci's Python does, and fails loudly on anything it
would choke on. Prints {recipe: {version, commit, status, ts, domain, last_good, snapshot}} as JSON.

usage: read_registry.py WARM_ROOT
"""
import datetime
import json
import os
import sys

REQUIRED = ("recipe", "version", "commit", "status", "ts")
EXPECTED = {"canonical.json", "last_good", "snapshot"}


def main(root):
    problems, recipes = [], {}
    for name in sorted(os.listdir(root)):
        recipe_dir = os.path.join(root, name)
        if not os.path.isdir(recipe_dir):
            problems.append(f"{recipe_dir}: not a recipe directory")
            continue
        canonical = os.path.join(recipe_dir, "canonical.json")
        if not os.path.isfile(canonical):
            problems.append(f"{recipe_dir}: a recipe directory without canonical.json (prune_stale walks it)")
            continue
        for extra in sorted(set(os.listdir(recipe_dir)) - EXPECTED):
            problems.append(f"{recipe_dir}/{extra}: unexpected file")
        try:
            with open(canonical, encoding="utf-8") as f:
                record = json.load(f)
        except ValueError as error:
            problems.append(f"{canonical}: not JSON ({error})")
            continue
        if not isinstance(record, dict):
            problems.append(f"{canonical}: not a JSON object")
            continue
        missing = [k for k in REQUIRED if not isinstance(record.get(k), str) or not record.get(k)]
        if missing:
            problems.append(f"{canonical}: missing or non-string {', '.join(missing)}")
            continue
        if record["recipe"] != name:
            problems.append(f"{canonical}: recipe {record['recipe']!r} in the directory of {name!r}")
        if record["status"] != "idle":
            problems.append(f"{canonical}: status {record['status']!r}, expected 'idle'")
        try:
            datetime.datetime.strptime(record["ts"], "%Y%m%dT%H%M%SZ")
        except ValueError as error:
            problems.append(f"{canonical}: ts {record['ts']!r}: {error}")
        last_good_path = os.path.join(recipe_dir, "last_good")
        last_good = None
        if os.path.isfile(last_good_path):
            with open(last_good_path, encoding="utf-8") as f:
                last_good = f.read()
            if last_good.strip() != record["version"]:
                problems.append(f"{last_good_path}: {last_good.strip()!r} lags canonical.json's {record['version']!r}")
        snapshot = None
        meta_path = os.path.join(recipe_dir, "snapshot", "meta.json")
        if os.path.isdir(os.path.join(recipe_dir, "snapshot")):
            with open(meta_path, encoding="utf-8") as f:
                snapshot = json.load(f)
            snapshot["volumes"] = sorted(os.listdir(os.path.join(recipe_dir, "snapshot", "volumes")))
        recipes[name] = {"version": record["version"], "commit": record["commit"], "status": record["status"],
                         "ts": record["ts"], "domain": record.get("domain"), "last_good": last_good,
                         "snapshot": snapshot}
    if problems:
        for problem in problems:
            print(f"ci-warm registry: {problem}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(recipes, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
