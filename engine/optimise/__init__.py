"""Optimisation stage: districting (grids, micro-grids) and location-allocation of resources."""
