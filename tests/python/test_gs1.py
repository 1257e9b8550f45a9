"""GS1 barcode data through Python: element strings, the bracketed form and Digital
Link URIs, checked, with typed dates and decimals."""

import datetime as dt
from decimal import Decimal

import pytest

import traceability as tr


def test_gs1_barcodes_parse_and_become_digital_links(tracker: tr.Tracker) -> None:
    scanned = tracker.parse_barcode("]C101095060001343521726123110ABC123\x1d3103000750")
    assert [(e.ai, e.value) for e in scanned] == [
        ("01", "09506000134352"), ("17", "261231"), ("10", "ABC123"), ("3103", "000750"),
    ]
    assert scanned[1].date == dt.date(2026, 12, 31) and scanned[3].decimal == Decimal("0.750")
    assert tracker.digital_link("(01)09506000134352(10)ABC123(17)261231") == (
        "https://id.gs1.org/01/09506000134352/10/ABC123?17=261231"
    )
    with pytest.raises(tr.InvalidInput, match="AI \\(01\\)") as bad:
        tracker.parse_barcode("(01)09506000134353")
    assert bad.value.field == "barcode"
