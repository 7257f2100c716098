"""Map tools of the Edit panel: split, merge, paint, vertex (topological) and facility editing.

Tools turn mouse gestures into map coordinates and call ``edits`` (one undoable edit each).
"""
