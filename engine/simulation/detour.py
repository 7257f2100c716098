"""Road-network detour factor for straight-line trips where the network cannot join two points.

1.4: the curvature factor λ = 1.3–1.5 of 建标152-2017 (DOMAIN §4/§7 [V]).
"""
DETOUR = 1.4
