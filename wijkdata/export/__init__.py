"""What leaves the dashboard as a file: CSV/XLSX/GeoJSON tables, PNG/HTML charts, the
raadsinformatie PDF and the content of the council presentation."""
