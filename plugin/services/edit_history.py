"""Undo and redo across the three edited layers, in the order the edits were made.

Each layer keeps its own QGIS undo stack (edit buffers, Ctrl+Z in QGIS still works per layer);
this history only remembers *which* layer took each edit, so the dock's Undo and Redo walk the
edits of all layers in order.
"""
from __future__ import annotations

from qgis.core import QgsVectorLayer


class EditHistory:
    def __init__(self) -> None:
        self.done: list[QgsVectorLayer] = []
        self.undone: list[QgsVectorLayer] = []

    def remember(self, layer: QgsVectorLayer) -> None:
        """An edit was made on ``layer`` (a new edit clears what could be redone)."""
        self.done.append(layer)
        self.undone.clear()

    def clear(self) -> None:
        self.done.clear()
        self.undone.clear()

    def undo(self) -> bool:
        """Undo the last edit still on its layer's stack; False when there is none."""
        while self.done:
            layer = self.done.pop()
            if layer.isEditable() and layer.undoStack().canUndo():
                layer.undoStack().undo()
                self.undone.append(layer)
                return True
        return False

    def redo(self) -> bool:
        while self.undone:
            layer = self.undone.pop()
            if layer.isEditable() and layer.undoStack().canRedo():
                layer.undoStack().redo()
                self.done.append(layer)
                return True
        return False
