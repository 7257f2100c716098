"""A read-only table of a run's scores (metric, value, 0–100 score), total on top.

It only displays what ``scores.json`` holds; the flattening of that document into rows is
in ``services.scores`` so it can be tested without widgets.
"""
from __future__ import annotations

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ..services.scores import ScoreRow


def _score_colour(score: float | None) -> QColor | None:
    if score is None:
        return None
    if score >= 80:
        return QColor("#d9f0d3")
    if score >= 60:
        return QColor("#fff2cc")
    return QColor("#f8d7da")


class ScoresTable(QTableWidget):
    """Rows of :class:`ScoreRow`; ``set_rows([])`` clears it."""

    HEADERS = (QT_TRANSLATE_NOOP("ScoresTable", "Metric"), QT_TRANSLATE_NOOP("ScoresTable", "Value"),
               QT_TRANSLATE_NOOP("ScoresTable", "Score"))

    def __init__(self, parent=None):
        super().__init__(0, len(self.HEADERS), parent)
        self.setHorizontalHeaderLabels([QCoreApplication.translate("ScoresTable", h) for h in self.HEADERS])
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.setObjectName("gridgovScoresTable")

    def set_rows(self, rows: list[ScoreRow]) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            items = [QTableWidgetItem(row.label), QTableWidgetItem(row.value_text),
                     QTableWidgetItem("" if row.score is None else f"{row.score:.0f}")]
            items[0].setToolTip(row.key if not row.help else f"{row.key}: {row.help}")
            items[1].setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            items[2].setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            colour = _score_colour(row.score)
            if colour is not None:
                items[2].setBackground(QBrush(colour))
            if row.is_total or row.is_group:
                font = items[0].font()
                font.setBold(row.is_total)
                font.setItalic(row.is_group)
                for it in items:
                    it.setFont(font)
            for c, it in enumerate(items):
                self.setItem(r, c, it)
        self.resizeRowsToContents()

    def row_texts(self) -> list[tuple[str, str, str]]:
        """What the table shows (used by tests and the desktop smoke check)."""
        return [tuple(self.item(r, c).text() for c in range(self.columnCount())) for r in range(self.rowCount())]
