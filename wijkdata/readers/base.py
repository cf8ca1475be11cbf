"""What every reader returns."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wijkdata.errors import Rapport


@dataclass
class Ingelezen:
    """The result of reading one file.

    ``frame`` holds only the valid rows, in the canonical columns of ``kind`` (see
    :mod:`wijkdata.model.schema`). ``rows`` counts the data rows (or areas) in the file, valid or
    not. The file is usable when the report has no errors, or when the user chose to skip
    invalid rows and some valid rows remain.
    """

    kind: str                     # 'buurten' | 'indicatoren' | 'initiatieven'
    frame: pd.DataFrame
    rapport: Rapport = field(default_factory=Rapport)
    rows: int = 0
    source_format: str = ""       # e.g. 'CBS Wijk- en buurtkaart (GeoPackage)'
    dropped_columns: list[str] = field(default_factory=list)   # personal data left out

    def usable(self, skip_invalid: bool = False) -> bool:
        if self.rapport.ok:
            return len(self.frame) > 0
        return skip_invalid and len(self.frame) > 0
