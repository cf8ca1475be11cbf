"""Kleine wij's data package: reading CBS, RIVM, PDOK and municipal files, computing the
per-buurt figures, and storing dataset versions. It never imports Streamlit."""

__version__ = "0.1.0"
