"""Edit buffer ⇄ engine: feeds layer edits to ``engine.live.LiveStats`` as they happen.

The adapter listens to the grids, units and facilities layers (geometryChanged, featureAdded,
featureDeleted, attributeValueChanged), collects the touched feature ids, and after a short
debounce (``QTimer``, single shot) reads only those features and makes one incremental engine
call per layer.  Undo and redo come through the same signals, so they are handled alike.

Units relocated by a polygon edit (split, merge, vertex move) are written back to the units
layer (their ``grid_id``/``micro_id``), in one edit command, so the layer stays the truth.
Geometries are transformed from each layer's CRS to the scenario's metric CRS.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np
from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeatureRequest, QgsGeometry,
                       QgsPointXY,
                       QgsProject, QgsVectorLayer)
from qgis.PyQt.QtCore import QCoreApplication, QObject, QTimer, QVariant, pyqtSignal


class LiveAdapter(QObject):
    """Keeps a ``LiveStats`` in step with three QGIS layers (see module docstring)."""

    updated = pyqtSignal(object)     # dict: touched, stats, relocated, elapsed_ms
    failed = pyqtSignal(str)

    def __init__(self, grids: QgsVectorLayer, units: QgsVectorLayer, facilities: QgsVectorLayer | None,
                 scenario: Any = None, circles: Any = None, delay_ms: int = 30, parent=None, live: Any = None):
        """``scenario``: the loaded ``engine.scenario.Scenario`` these layers come from (its ids
        match the layers' ``id`` fields); without it the layers themselves are read (no coverage
        unless ``circles`` is given for the same units).  ``live``: the scenario's ``LiveStats``
        when already built (e.g. in a background task)."""
        super().__init__(parent)
        from ...engine.live import LiveStats

        self.grids, self.units, self.facilities = grids, units, facilities
        crs = QgsCoordinateReferenceSystem(scenario.crs) if scenario is not None else grids.crs()
        if not crs.isValid() or crs.isGeographic():
            raise ValueError(QCoreApplication.translate("LiveAdapter", "live statistics need a metric CRS (got {0})")
                             .format(crs.authid() or "none"))
        self.crs = crs
        ctx = QgsProject.instance().transformContext()
        self.to_metric = {lyr.id(): QgsCoordinateTransform(lyr.crs(), crs, ctx)
                           for lyr in (grids, units, facilities) if lyr is not None}
        self._fid_id = {lyr.id(): FeatureIds.read(lyr) for lyr in (grids, units, facilities) if lyr is not None}
        if live is not None:
            self.live = live
        elif scenario is not None:
            self.live = LiveStats.from_scenario(scenario, circles, compute=circles is None)
        else:
            g, u, f = read_model(grids, units, facilities, self.to_metric)
            self.live = LiveStats(g, u, f, None, circles)
        self.edited: set[str] = set()          # grid ids touched since the saved layout
        self.last_elapsed_ms = float("nan")
        self._pending: dict[str, set[int]] = {"grids": set(), "units": set(), "facilities": set()}
        self._deleted: dict[str, set[int]] = {"grids": set(), "units": set(), "facilities": set()}
        self._writing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self._connect()

    # ------------------------------------------------------------------ signals
    def _connect(self) -> None:
        for name, lyr in (("grids", self.grids), ("units", self.units), ("facilities", self.facilities)):
            if lyr is None:
                continue
            lyr.geometryChanged.connect(lambda fid, _g, n=name: self._touch(n, fid))
            lyr.featureAdded.connect(lambda fid, n=name: self._touch(n, fid))
            lyr.featureDeleted.connect(lambda fid, n=name: self._gone(n, fid))
            lyr.attributeValueChanged.connect(lambda fid, _i, _v, n=name: self._touch(n, fid))

    def disconnect_layers(self) -> None:
        """Stop listening (the panel closes or another scenario opens)."""
        self._timer.stop()
        for lyr in (self.grids, self.units, self.facilities):
            if lyr is None:
                continue
            try:
                signals = (lyr.geometryChanged, lyr.featureAdded, lyr.featureDeleted, lyr.attributeValueChanged)
            except RuntimeError:        # the layer left the project (another scenario was opened)
                continue
            for sig in signals:
                try:
                    sig.disconnect()
                except TypeError:
                    pass

    def _touch(self, name: str, fid: int) -> None:
        if self._writing and name == "units":
            return
        self._pending[name].add(fid)
        self._deleted[name].discard(fid)
        self._timer.start()

    def _gone(self, name: str, fid: int) -> None:
        self._deleted[name].add(fid)
        self._pending[name].discard(fid)
        self._timer.start()

    # ------------------------------------------------------------------ the update
    def _metric(self, layer: QgsVectorLayer, geom: QgsGeometry):
        import shapely

        g = QgsGeometry(geom)
        g.transform(self.to_metric[layer.id()])
        return shapely.from_wkb(bytes(g.asWkb()))

    def flush(self) -> dict[str, Any] | None:
        """Apply the collected edits now (the debounce timer calls it); returns the update."""
        from ...engine.errors import GridGovError

        self._timer.stop()
        if not any(self._pending.values()) and not any(self._deleted.values()):
            return None
        t0 = time.perf_counter()
        touched: set[str] = set()
        relocated: dict[str, tuple[str, str]] = {}
        try:
            touched |= self._flush_grids(relocated)
            touched |= self._flush_units()
            touched |= self._flush_facilities()
        except GridGovError as exc:
            self.failed.emit(str(exc))
        if relocated:
            self._write_back(relocated)
        self.edited |= {g for g in touched if _changed(self.live, g)}
        self.last_elapsed_ms = (time.perf_counter() - t0) * 1000.0
        out = {"touched": touched, "stats": self.live.stats(sorted(touched)), "relocated": relocated,
               "elapsed_ms": self.last_elapsed_ms}
        self.updated.emit(out)
        return out

    def _take(self, name: str) -> tuple[set[int], set[int]]:
        pend, gone = self._pending[name], self._deleted[name]
        self._pending[name], self._deleted[name] = set(), set()
        return pend, gone

    def _flush_grids(self, relocated: dict) -> set[str]:
        pend, gone = self._take("grids")
        if not pend and not gone:
            return set()
        ids = self._fid_id[self.grids.id()]
        geoms: dict[str, Any] = {}
        levels: dict[str, str] = {}
        for fid in gone:
            gid = ids.pop(fid, None)
            if gid is not None and not ids.has_id(gid):
                geoms[gid] = None
        has_level = self.grids.fields().indexOf("level") >= 0
        for fid in sorted(pend):
            f = self.grids.getFeature(fid)
            if not f.isValid():
                continue
            gid, old = str(f["id"]), ids.get(fid)
            ids[fid] = gid
            if old is not None and old != gid and not ids.has_id(old):
                geoms[old] = None
            geoms[gid] = self._metric(self.grids, f.geometry()) if f.hasGeometry() else None
            levels[gid] = (str(f["level"]) if has_level else "") or "general"
        up = self.live.set_grids(geoms, levels)
        relocated.update(up.relocated)
        return up.touched

    def _flush_units(self) -> set[str]:
        pend, _gone = self._take("units")
        if not pend:
            return set()
        touched: set[str] = set()
        names = [n for n in ("grid_id", "micro_id") if self.units.fields().indexOf(n) >= 0]
        feats = list(self.units.getFeatures(QgsFeatureRequest().setFilterFids(sorted(pend))))
        live = self.live
        for col, name in ((0, "grid_id"), (1, "micro_id")):
            if name not in names:
                continue
            mapping = {}
            for f in feats:
                uid, gid = str(f["id"]), "" if _null(f[name]) else str(f[name])
                u = live.units.index.get(uid)
                slot = live.units.member[u, col] if u is not None else -2
                if slot == -2 or (live.grids.ids[slot] if slot >= 0 else "") != gid:
                    mapping[uid] = gid
            if mapping:
                touched |= live.assign_units(mapping, field=name).touched
        return touched

    def _flush_facilities(self) -> set[str]:
        if self.facilities is None:
            return set()
        pend, gone = self._take("facilities")
        ids = self._fid_id[self.facilities.id()]
        touched: set[str] = set()
        for fid in gone:
            fac_id = ids.pop(fid, None)
            if fac_id is not None and fac_id in self.live.fac:
                touched |= self.live.remove_facility(fac_id).touched
        for fid in sorted(pend):
            f = self.facilities.getFeature(fid)
            if not f.isValid() or not f.hasGeometry():
                continue
            fac_id = str(f["id"])
            old = ids.get(fid)
            if old is not None and old != fac_id and old in self.live.fac:
                touched |= self.live.remove_facility(old).touched
            ids[fid] = fac_id
            p = self._metric(self.facilities, f.geometry())
            staff = f["staff"] if self.facilities.fields().indexOf("staff") >= 0 else None
            touched |= self.live.set_facility(fac_id, str(f["type"]), p.x, p.y,
                                              staff=None if _null(staff) else int(staff)).touched
        return touched

    def _write_back(self, relocated: dict[str, tuple[str, str]]) -> None:
        """Carry relocated units into the units layer (one undoable command)."""
        layer = self.units
        if not layer.isEditable() and not layer.startEditing():
            self.failed.emit(QCoreApplication.translate(
                "LiveAdapter", "units layer is not editable: relocated units were not written"))
            return
        ids = self._fid_id[layer.id()]
        self._writing = True
        try:
            layer.beginEditCommand("Carry units with their grid")
            for uid, (field, gid) in relocated.items():
                fid, idx = ids.fid_of(uid), layer.fields().indexOf(field)
                if fid is not None and idx >= 0:
                    layer.changeAttributeValue(fid, idx, gid)
            layer.endEditCommand()
        finally:
            self._writing = False

    # ------------------------------------------------------------------ panel helpers
    def stats_for(self, grid_ids) -> dict[str, dict[str, Any]]:
        return self.live.stats([g for g in grid_ids if g in self.live.grids.slot_of])

    def selected_grid_ids(self) -> list[str]:
        return sorted(str(f["id"]) for f in self.grids.getSelectedFeatures())

    def findings(self) -> list:
        return self.live.findings()

    def to_crs(self, x: float, y: float, crs: QgsCoordinateReferenceSystem) -> QgsPointXY:
        """A point of the engine's metric CRS in ``crs`` (to zoom the canvas to a finding)."""
        xf = QgsCoordinateTransform(self.crs, crs, QgsProject.instance().transformContext())
        return xf.transform(QgsPointXY(float(x), float(y)))

    def rebase(self) -> None:
        """After a save: the current layout becomes the baseline of the deltas."""
        self.flush()
        self.live.rebase()
        self.edited = set()


class FeatureIds:
    """Feature id ⇄ the ``id`` attribute of one layer, both ways, so an edit looks up the
    features it touched without scanning the layer (a city has 265,000 units)."""

    def __init__(self, pairs: dict[int, str]):
        self._id = dict(pairs)
        self._fids: dict[str, set[int]] = {}
        for fid, value in self._id.items():
            self._fids.setdefault(value, set()).add(fid)

    @classmethod
    def read(cls, layer: QgsVectorLayer) -> "FeatureIds":
        """The layer's ``id`` attribute, read without geometries or other attributes."""
        idx = layer.fields().indexOf("id")
        req = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes([idx])
        return cls({f.id(): str(f[idx]) for f in layer.getFeatures(req)})

    def get(self, fid: int, default: str | None = None) -> str | None:
        return self._id.get(fid, default)

    def __setitem__(self, fid: int, value: str) -> None:
        self.pop(fid, None)
        self._id[fid] = value
        self._fids.setdefault(value, set()).add(fid)

    def pop(self, fid: int, default: str | None = None) -> str | None:
        value = self._id.pop(fid, None)
        if value is None:
            return default
        fids = self._fids[value]
        fids.discard(fid)
        if not fids:
            del self._fids[value]
        return value

    def has_id(self, value: str) -> bool:
        """Does any feature still carry ``value``?"""
        return value in self._fids

    def fid_of(self, value: str) -> int | None:
        """A feature carrying ``value`` (the lowest feature id when several do)."""
        fids = self._fids.get(value)
        return min(fids) if fids else None


def _changed(live, grid_id: str) -> bool:
    """Does the grid differ from the saved layout (new, removed or any statistic moved)?"""
    row = live.stats([grid_id]).get(grid_id)
    if row is None or row.get("removed"):
        return True
    return any(d is None or abs(d) > 1e-9 for d in row["delta"].values())


def _column(layer: QgsVectorLayer | None, feats: list, name: str, default: Any = "") -> list:
    if layer is None or layer.fields().indexOf(name) < 0:
        return [default] * len(feats)
    return [default if _null(f[name]) else f[name] for f in feats]


def _null(value: Any) -> bool:
    """None, "" or a NULL QVariant (QGIS's NULL attribute)."""
    return value is None or value == "" or (isinstance(value, QVariant) and value.isNull())


def read_model(grids: QgsVectorLayer, units: QgsVectorLayer, facilities: QgsVectorLayer | None,
               to_metric: dict[str, QgsCoordinateTransform]):
    """Engine ``Grids, Units, Facilities`` read from layers (current edit buffer, metric CRS)."""
    import shapely

    from ...engine.scenario.model import Facilities, Grids, Units

    def geoms(layer, feats):
        out = []
        for f in feats:
            g = QgsGeometry(f.geometry())
            g.transform(to_metric[layer.id()])
            out.append(shapely.from_wkb(bytes(g.asWkb())))
        return np.array(out, dtype=object)

    def obj(values):
        return np.array([str(v) for v in values], dtype=object)

    gf = list(grids.getFeatures())
    g = Grids(np.array([f.id() for f in gf]), obj(_column(grids, gf, "id")), obj(_column(grids, gf, "code")),
              obj(_column(grids, gf, "level", "general")), obj(_column(grids, gf, "parent_id")),
              obj(_column(grids, gf, "community")), obj(_column(grids, gf, "street")),
              obj(_column(grids, gf, "name")), geoms(grids, gf))
    uf = list(units.getFeatures())
    ug = geoms(units, uf)
    pts = shapely.point_on_surface(ug) if len(ug) else ug
    u = Units(np.array([f.id() for f in uf]), obj(_column(units, uf, "id")),
              np.array(_column(units, uf, "households", 0), dtype=np.int64),
              np.array(_column(units, uf, "residents", 0), dtype=np.int64), obj(_column(units, uf, "grid_id")),
              obj(_column(units, uf, "micro_id")), shapely.get_x(pts) if len(uf) else np.zeros(0),
              shapely.get_y(pts) if len(uf) else np.zeros(0), ug)
    ff = list(facilities.getFeatures()) if facilities is not None else []
    fp = geoms(facilities, ff) if ff else np.zeros(0, dtype=object)
    f = Facilities(np.array([x.id() for x in ff]), obj(_column(facilities, ff, "id")),
                   obj(_column(facilities, ff, "type")), obj(_column(facilities, ff, "name")),
                   np.array(_column(facilities, ff, "capacity", np.nan), dtype=float),
                   np.array(_column(facilities, ff, "staff", 0), dtype=np.int64),
                   obj(_column(facilities, ff, "grid_id")),
                   shapely.get_x(fp) if len(ff) else np.zeros(0), shapely.get_y(fp) if len(ff) else np.zeros(0))
    return g, u, f
