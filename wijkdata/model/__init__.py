"""The domain model: the canonical frames and their written schemas, CBS area codes, what a
dataset is, and the active data (:class:`gegevens.Gegevens`) every figure starts from."""
