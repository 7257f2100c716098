"""Values as SQLite stores them in a GeoPackage's numeric fields, before GDAL coerces them.

SQLite keeps any value in any column: a hand edit, a CSV join or another tool can leave the
text ``'abc'`` or the real ``2.5`` in an INTEGER field.  GDAL then reads ``0`` and ``2`` with
no warning (35,000 households instead of 35,044), so the loader asks SQLite for the stored
type of every numeric field it uses and lists each value that is not what the field declares.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

_INTEGER = ("INT", "BOOLEAN")              # SQLite type affinity by declared name (INTEGER, MEDIUMINT, …)
_REAL = ("REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL")


def mistyped_values(path: str | os.PathLike, table: str, columns: list[str]) -> dict[str, list[tuple[int, object]]]:
    """``{column: [(fid, stored value), ...]}`` for values a numeric column cannot hold.

    Integer columns accept integers, whole reals and text that reads as an integer; real columns
    accept integers, reals and text that reads as a number.  Text columns and files that are not
    SQLite (other OGR sources) are not inspected: the loader's own conversion checks those.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return {}
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (OSError, sqlite3.Error):
        return {}
    try:
        info = db.execute(f'PRAGMA table_info("{_quote(table)}")').fetchall()
        pk = next((row[1] for row in info if row[5]), None)
        declared = {row[1]: str(row[2]).upper() for row in info}
        out = {}
        for col in columns:
            kind = declared.get(col, "")
            integer = any(k in kind for k in _INTEGER)
            if pk is None or not (integer or any(k in kind for k in _REAL)):
                continue
            fine = "'null', 'integer'" if integer else "'null', 'integer', 'real'"
            rows = db.execute(f'SELECT "{_quote(pk)}", "{_quote(col)}" FROM "{_quote(table)}" '
                              f'WHERE typeof("{_quote(col)}") NOT IN ({fine}) ORDER BY "{_quote(pk)}"').fetchall()
            bad = [(int(fid), v) for fid, v in rows if not _acceptable(v, integer)]
            if bad:
                out[col] = bad
        return out
    except sqlite3.Error:
        return {}
    finally:
        db.close()


def _acceptable(value, integer: bool) -> bool:
    if isinstance(value, float):
        return value.is_integer() if integer else True
    if isinstance(value, str):  # SQLite converts such text for GDAL; anything else reads as 0
        try:
            int(value.strip()) if integer else float(value.strip())
        except ValueError:
            return False
        return True
    return False  # BLOB


def _quote(name: str) -> str:
    return name.replace('"', '""')
