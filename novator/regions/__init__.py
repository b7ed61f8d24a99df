"""Comparing the municipalities of a region: the region page, its map (uploaded boundaries or a tile
cartogram) and its API. Reads the domain apps, which never import it."""
