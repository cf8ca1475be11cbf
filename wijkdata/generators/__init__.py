"""Generators of fictitious data: the demo gemeente Lindewaarde and a synthetic Netherlands
at real scale. Only scripts and tests import them; the app reads the committed demo files."""

# What both generators write the way CBS does, so both go through the normal readers.
# CBS geo files mark a secret figure with a large negative number (the readers treat anything
# at or below wijkdata.readers.textio.CBS_MISSING_THRESHOLD as missing).
CBS_GEHEIM = -99997
# The edition year of the Wijk- en buurtkaart both generators imitate.
JAAR_KAART = 2024
