"""The figures: every formula (per 1,000, nearest initiative, witte vlekken, roll-ups) and
the per-buurt table the pages, reports and exports read."""
