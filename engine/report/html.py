"""Self-contained HTML report: one file, images embedded as base64 PNG (works offline, e-mailable)."""
from __future__ import annotations

from pathlib import Path

import jinja2

from ..atomic import write_text
from .plots import png_base64

TEMPLATES = Path(__file__).resolve().parent / "templates"


def render_html(doc: dict) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    images = [(title, png_base64(fig)) for title, fig in doc["figures"]]
    return env.get_template("report.html.j2").render(doc={**doc, "images": images})


def write_html(path: str | Path, doc: dict) -> Path:
    return write_text(path, render_html(doc))
