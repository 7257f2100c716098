"""PDF version of the report (A4, matplotlib PdfPages): the same document as the HTML.

Text pages are matplotlib tables; CJK text is drawn with a TrueType CJK font embedded as
Type 42 (see ``fonts.py``) so Chinese survives printing and ``pdftoppm``.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from ..atomic import atomic_path

A4 = (8.27, 11.69)
MAX_PROBLEMS = 25
LINE_H = 0.0115   # figure fraction per table text line (6.5 pt on A4)
CELL_PAD = 0.006  # cell text inset, fraction of the table width (~3 pt)
COLOURS = {"better": "#dff3df", "worse": "#fbe0e0", "same": "white", "": "white"}


#: table text units (half an em of 6.5 pt, about one Latin character) per unit of table width
UNITS_PER_WIDTH = 125


#: closing punctuation that must not start a line (it stays on the line before, slightly over)
NO_BREAK_BEFORE = set("，。、；：！？）》」』】%,.;:)")


def _cw(ch: str) -> int:
    """Display width: 2 for CJK / full-width characters (汉字, 《》，：), 1 otherwise."""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _tokens(text: str):
    """Words of Latin text (with the space before them) and single wide characters."""
    word = ""
    for ch in text:
        if _cw(ch) == 2 or ch == " ":
            if word:
                yield word
                word = ""
            if ch == " ":
                word = " "
            else:
                yield ch
        else:
            word += ch
    if word:
        yield word


def _wrap(text: str, width: int) -> str:
    """Wrap on display width: Latin words stay whole (unless longer than a line), CJK breaks anywhere."""
    out = []
    for para in str(text).split("\n"):
        lines, line, used = [], "", 0
        for tok in _tokens(para):
            w = sum(_cw(c) for c in tok)
            if used + w > width and line and tok not in NO_BREAK_BEFORE:
                lines.append(line.rstrip())
                tok = tok.lstrip()
                line, used = "", 0
                w = sum(_cw(c) for c in tok)
            while w > width:                         # a word longer than a line: cut it
                cut, n = 0, 0
                while cut < len(tok) and n + _cw(tok[cut]) <= width:
                    n += _cw(tok[cut])
                    cut += 1
                lines.append(tok[:max(cut, 1)])
                tok = tok[max(cut, 1):]
                w = sum(_cw(c) for c in tok)
            line += tok
            used += w
        lines.append(line.rstrip())
        out.append("\n".join(lines))
    return "\n".join(out)


class _Pages:
    """Lays out titled tables top to bottom, starting new A4 pages as needed."""

    def __init__(self, pdf: PdfPages, title: str):
        self.pdf, self.title = pdf, title
        self.fig = None
        self.y = 0.0

    def _new(self):
        self.flush()
        self.fig = Figure(figsize=A4)
        self.fig.text(0.5, 0.975, self.title, ha="center", va="top", fontsize=9, color="#555")
        self.y = 0.95

    def flush(self):
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            self.fig = None

    def text(self, text: str, size: float = 10, bold: bool = False, width: int | None = None):
        width = width or int(480 / (0.55 * size))          # half-em units across the text block
        lines = _wrap(text, width).count("\n") + 1
        need = 0.012 + lines * size * 0.0022
        if self.fig is None or self.y - need < 0.04:
            self._new()
        self.fig.text(0.06, self.y, _wrap(text, width), fontsize=size, va="top",
                      fontweight="bold" if bold else "normal")
        self.y -= need

    def table(self, header: list[str], rows: list[list[str]], colours: list[list[str]] | None = None,
              widths: list[float] | None = None):
        """A table that continues on the next page (header repeated) when it does not fit.

        Cells wrap to their column's width (``widths``: fractions of the table width, default equal).
        """
        fractions = widths or [1.0 / len(header)] * len(header)
        wraps = [max(int(UNITS_PER_WIDTH * f), 4) for f in fractions]
        head = [_wrap(c, w) for c, w in zip(header, wraps)]
        cells = [[_wrap(c, w) for c, w in zip(r, wraps)] for r in rows]
        cols = colours or [[""] * len(r) for r in rows]
        lines = [max(c.count("\n") + 1 for c in r) for r in cells]
        head_lines = max(c.count("\n") + 1 for c in head)
        i = 0
        while i < len(cells) or (i == 0 and not cells):
            if self.fig is None or self.y - LINE_H * (head_lines + min(lines[i:i + 1] or [1])) < 0.05:
                self._new()
            room = int((self.y - 0.04) / LINE_H) - head_lines
            j, used = i, 0
            while j < len(cells) and used + lines[j] <= room:
                used += lines[j]
                j += 1
            if j == i and cells:          # one row taller than a page: give it the page anyway
                j, used = i + 1, lines[i]
            self._draw(head, cells[i:j], cols[i:j], [head_lines] + lines[i:j], fractions)
            i = j
            if not cells:
                break

    def _draw(self, head, cells, cols, row_lines, fractions):
        """One page's part of a table: cell rectangles as one collection, one text per cell.

        (matplotlib's ``Table`` measured and re-laid out every cell on every draw: 70 % of a
        city report's PDF time, for a grid of rectangles whose sizes are known here.)"""
        n_lines = sum(row_lines)
        h = LINE_H * n_lines
        ax = self.fig.add_axes([0.05, self.y - h, 0.9, h])
        ax.axis("off")
        if not cells:
            self.y -= 0.02
            return
        ax.set_xlim(0, 1)
        ax.set_ylim(n_lines, 0)       # y in text lines, downwards
        spans = np.asarray(fractions, dtype=float) / max(sum(fractions), 1e-9)
        lefts = np.cumsum(spans) - spans
        boxes, faces = [], []
        top = 0
        for r, (row, lines) in enumerate(zip([head] + cells, row_lines)):
            colours = ["#eef3fa"] * len(head) if r == 0 else [COLOURS.get(c, "white") for c in cols[r - 1]]
            for left, span, text, face in zip(lefts, spans, row, colours):
                boxes.append([(left, top), (left + span, top), (left + span, top + lines), (left, top + lines)])
                faces.append(face)
                # vertically centred in its row, as the table cells were
                ax.text(left + CELL_PAD, top + lines / 2, text, fontsize=6.5, ha="left", va="center")
            top += lines
        ax.add_collection(PolyCollection(boxes, facecolors=faces, edgecolors="black", linewidths=0.5, zorder=0))
        self.y -= h + 0.015

    def figure(self, title: str, fig: Figure):
        self.flush()        # every figure carries its own title (axes title or suptitle)
        self.pdf.savefig(fig)


def _clip(text: str, limit: int) -> str:
    """At most ``limit`` characters (the HTML report carries the full text)."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def write_pdf(path: str | Path, doc: dict) -> Path:
    t = doc["t"]
    with atomic_path(path) as tmp:
        with PdfPages(tmp) as pdf:
            pages = _Pages(pdf, doc["title"])
            pages.text(doc["title"], 15, bold=True)
            pages.text(doc["generated"], 8)
            if doc["synthetic"]:
                pages.text(t("synthetic_note"), 8)
            pages.text(t("scenarios_section") if doc["compare"] else t("scenario"), 12, bold=True)
            pages.table([t("scenario"), t("scenario_what")],
                        [[sc["name"], (sc["title"] + "\n" if sc["title"] else "") + _clip(sc["description"], 400)]
                         for sc in doc["scenarios"]], widths=[0.25, 0.75])
            pages.text(t("headline"), 12, bold=True)
            if doc["compare"]:
                pages.text(t("how_to_read") + " " + t("weights_note"), 7)
            pages.text(doc["replications"], 7)
            header = [t("scenario"), t("rank"), t("total")] + [f"{g} ({w})" for g, w in zip(doc["group_labels"], doc["weights"])]
            rows = [[h["name"], str(h["rank"]), h["total"] + (f" ({h['delta']})" if h["delta"] else "")] + h["groups"]
                    for h in doc["headline"]]
            colours = [["", "", h["cls"]] + h["group_cls"] for h in doc["headline"]]
            pages.table(header, rows, colours)
            for h in doc["headline"]:
                if h["partial"]:
                    pages.text(f"{h['name']}: {h['partial']}", 8)
            pages.text(t("problems"), 12, bold=True)
            for p in doc["problems"]:
                pages.text(p["scenario"], 10, bold=True)
                items = p["items"][:MAX_PROBLEMS]
                if items:
                    pages.table([t("issue"), t("grid"), t("street"), t("location")],
                                [[(f"[{i['tag']}] " if i["tag"] else "") + i["text"], i["grid"], i["street"], i["loc"]]
                                 for i in items], [[i["cls"]] * 4 for i in items],
                                widths=[0.55, 0.15, 0.15, 0.15])
                else:
                    pages.text(t("no_problems"), 9)
                if p["resolved"]:
                    pages.text(f"{t('resolved')} ({len(p['resolved'])}): " + "; ".join(p["resolved"][:12])
                               + ("; …" if len(p["resolved"]) > 12 else ""), 7)
            pages.text(t("metrics_all"), 12, bold=True)
            for sec in doc["sections"]:
                pages.text(f"{sec['title']} ({t('weight')} {sec['weight']})", 10, bold=True)
                header = [t("metric")]
                for i, n in enumerate(doc["names"]):
                    header += [n] + ([t("delta")] if doc["compare"] and i else [])
                header += [t("points"), t("norm")]
                rows, colours = [], []
                for r in sec["rows"]:
                    row, col = [f"{r['label']} [{r['unit']}]" if r["unit"] else r["label"]], [""]
                    for i, c in enumerate(r["cells"]):
                        row.append(c["text"])
                        col.append(c["cls"])
                        if doc["compare"] and i:
                            row.append(c["delta"])
                            col.append(c["cls"])
                    row += [" / ".join(c["points"] for c in r["cells"] if c["points"]), r["norm"]]
                    col += ["", ""]
                    rows.append(row)
                    colours.append(col)
                rest = (1.0 - 0.2 - 0.24) / (len(header) - 2)
                pages.table(header, rows, colours, widths=[0.2] + [rest] * (len(header) - 2) + [0.24])
            if doc["types"]["rows"]:
                pages.text(t("coverage_types"), 12, bold=True)
                if doc["compare"]:
                    pages.text(" / ".join(doc["names"]), 7)
                pages.table([t("facility_type"), t("tier")] + doc["types"]["columns"],
                            [[r["type"], r["tier"]] + r["cells"] for r in doc["types"]["rows"]])
            if doc["sensitivity"]:
                s = doc["sensitivity"]
                pages.text(t("sensitivity"), 12, bold=True)
                pages.text(t("sensitivity_intro"), 7)
                pages.table([t("weight")] + s["factors"] + [""], [[r["group"]] + r["cells"] + [r["flip"]] for r in s["rows"]])
                pages.table([t("scenario"), t("win_share")], [[n, w] for n, w in s["win_share"]])
            many = len(doc["districts"]["rows"]) > 1
            if many:
                pages.text(t("by_district"), 12, bold=True)
                if doc["compare"]:
                    pages.text(" / ".join(doc["names"]), 7)
                pages.table([t("district")] + doc["districts"]["columns"],
                            [[r["district"]] + r["cells"] for r in doc["districts"]["rows"]])
            if doc["streets"]["rows"]:
                pages.text(t("by_street"), 12, bold=True)
                if doc["compare"]:
                    pages.text(" / ".join(doc["names"]), 7)
                rows = [r for g in doc["streets"]["groups"] for r in g["rows"]] if many else doc["streets"]["rows"]
                pages.table([t("street")] + ([t("district")] if many else []) + doc["streets"]["columns"],
                            [[r["street"]] + ([r["district"]] if many else []) + r["cells"] for r in rows])
            pages.flush()
            for title, fig in doc["figures"]:
                pages.figure(title, fig)
    return Path(path)
