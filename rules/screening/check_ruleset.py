#!/usr/bin/env python3
"""Checks an identification indicator set (rules/screening/*.yaml) and prints its counts.

Usage: python3 rules/screening/check_ruleset.py rules/screening/ilo_ec_2009.yaml [...]
Exit status 1 when a file has a problem. Mirrors what the C++ loader refuses; not a substitute.
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIMENSION_LIST = ROOT / "schema" / "lists" / "screening_dimension.yaml"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
GRADES = {"S", "M", "W"}
TOP_KEYS = {"ruleset", "version", "label", "source", "lists", "dimensions"}
LIST_KEYS = {"code", "audience", "exploitation", "label"}
DIM_KEYS = {"number", "code", "label", "label_by_list", "indicators"}
IND_KEYS = {"code", "label", "grades"}


def check(path):
    errors = []
    doc = yaml.safe_load(open(path, encoding="utf-8"))

    def label(where, value):
        if not isinstance(value, dict) or set(value) - {"az", "en", "ru"} or not value.get("az"):
            errors.append(f"{where}: label must be {{az, en, ru}} with az given")
        elif not all(isinstance(value.get(k), str) and value[k].strip() for k in ("az", "en", "ru")):
            errors.append(f"{where}: label lacks a language")

    def keys(where, obj, allowed, required):
        if not isinstance(obj, dict):
            errors.append(f"{where}: must be a mapping")
            return False
        for k in set(obj) - allowed:
            errors.append(f"{where}: unknown key '{k}'")
        for k in required - set(obj):
            errors.append(f"{where}: missing '{k}'")
        return True

    if not keys("file", doc, TOP_KEYS, TOP_KEYS - {"source"}):
        return errors, None
    if not NAME.match(str(doc.get("ruleset", ""))):
        errors.append("ruleset: not lower_snake_case")
    if not isinstance(doc.get("version"), int) or isinstance(doc.get("version"), bool) or doc["version"] < 1:
        errors.append("version: must be a positive integer")
    label("ruleset", doc.get("label"))

    lists = {}
    for i, l in enumerate(doc.get("lists") or []):
        if not keys(f"lists[{i}]", l, LIST_KEYS, LIST_KEYS):
            continue
        if l["code"] in lists:
            errors.append(f"lists[{i}]: duplicate code {l['code']}")
        if l.get("audience") not in ("adult", "child") or l.get("exploitation") not in ("labour", "sexual"):
            errors.append(f"lists[{i}]: audience must be adult|child, exploitation labour|sexual")
        label(f"lists[{i}]", l.get("label"))
        lists[l["code"]] = (l.get("audience"), l.get("exploitation"))
    if sorted(lists.values()) != sorted((a, e) for a in ("adult", "child") for e in ("labour", "sexual")):
        errors.append("lists: need exactly one list for each audience x exploitation")

    known_dims = [v["code"] for v in yaml.safe_load(open(DIMENSION_LIST, encoding="utf-8"))["values"]]
    seen_codes = {}
    counts = {}  # (dimension number, list) -> {grade: n}
    dims = doc.get("dimensions") or []
    if [d.get("code") for d in dims if isinstance(d, dict)] != known_dims:
        errors.append(f"dimensions: codes must be, in order, {known_dims}")
    for i, d in enumerate(dims):
        if not keys(f"dimensions[{i}]", d, DIM_KEYS, DIM_KEYS - {"label_by_list"}):
            continue
        where = f"dimension {d.get('number')} {d.get('code')}"
        if d.get("number") != i + 1:
            errors.append(f"{where}: number must be {i + 1}")
        label(where, d.get("label"))
        for lc, lab in (d.get("label_by_list") or {}).items():
            if lc not in lists:
                errors.append(f"{where}: label_by_list names unknown list {lc}")
            label(f"{where} label_by_list.{lc}", lab)
        for j, ind in enumerate(d.get("indicators") or []):
            iw = f"{where} indicators[{j}]"
            if not keys(iw, ind, IND_KEYS, IND_KEYS):
                continue
            code = ind["code"]
            if not NAME.match(str(code)):
                errors.append(f"{iw}: code '{code}' is not lower_snake_case")
            if code in seen_codes:
                errors.append(f"{iw}: code '{code}' already used in {seen_codes[code]}")
            seen_codes[code] = where
            label(f"{iw} {code}", ind.get("label"))
            grades = ind.get("grades")
            if not isinstance(grades, dict) or not grades:
                errors.append(f"{iw} {code}: grades must name at least one list")
                continue
            for lc, grade in grades.items():
                if lc not in lists:
                    errors.append(f"{iw} {code}: unknown list '{lc}'")
                elif grade not in GRADES:
                    errors.append(f"{iw} {code}: grade '{grade}' in {lc} is not S, M or W")
                else:
                    c = counts.setdefault((d["number"], lc), {g: 0 for g in ("S", "M", "W")})
                    c[grade] += 1
        for lc in lists:
            if (d.get("number"), lc) not in counts:
                errors.append(f"{where}: no indicator in list {lc}")
    return errors, (doc, lists, counts, len(seen_codes))


def report(doc, lists, counts, total):
    order = list(lists)
    print(f"{doc['ruleset']}@{doc['version']}: {total} indicators")
    print("dim  " + "  ".join(f"{lc:>16}" for lc in order))
    sums = {lc: 0 for lc in order}
    for d in doc["dimensions"]:
        cells = []
        for lc in order:
            c = counts.get((d["number"], lc), {"S": 0, "M": 0, "W": 0})
            n = sum(c.values())
            sums[lc] += n
            cells.append(f"{n:>2} ({c['S']}S {c['M']}M {c['W']}W)".rjust(16))
        print(f"{d['number']:>3}  " + "  ".join(cells) + f"  {d['code']}")
    print("all  " + "  ".join(f"{sums[lc]:>16}" for lc in order))


def main(paths):
    failed = False
    for p in paths:
        errors, result = check(p)
        if errors:
            failed = True
            print(f"{p}: {len(errors)} problem(s)")
            for e in errors:
                print("  " + e)
        if result:
            report(*result)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or [str(pathlib.Path(__file__).with_name("ilo_ec_2009.yaml"))]))
