"""Generators of fictitious data: the demo gemeente Lindewaarde and a synthetic Netherlands
at real scale. Only scripts and tests import them; the app reads the committed demo files."""
