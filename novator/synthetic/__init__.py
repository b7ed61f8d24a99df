"""Synthetic data at district, region or country scale for the benchmarks (`manage.py generate_data`);
no models of its own."""
