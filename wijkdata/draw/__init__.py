"""What is drawn: maps, charts and tables as the pages show them (Dutch headers, ranked,
explained), and the prepared map files the browser fetches."""
