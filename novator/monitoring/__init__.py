"""The monitoring of innovation potential: data elements, indicators as safe formulas, the index, the
recomputation engine (`engine/`), dashboards and the data campaigns."""
