import datetime as dt

import pytest

import traceability as tr

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


def populate(t: tr.Tracker) -> None:
    """Master data shared by the tests."""
    t.register_product("FLOUR", tr.Tracking.LOT, unit="kg", shelf_life_days=180, actor="ana")
    t.register_product("BREAD", "lot", actor="ana")
    t.register_product("PUMP", tr.Tracking.SERIAL, actor="ana")
    t.register_location("DOCK", tr.LocationKind.RECEIVING, actor="ana")
    t.register_location("A1", "internal", actor="ana")
    t.register_location("LINE", "production", actor="ana")
    t.register_location("CUST", "customer", actor="ana")
    t.register_party("MILL", tr.PartyRole.SUPPLIER, name="The Mill", actor="ana")
    t.register_party("ACME", "customer", actor="ana")


@pytest.fixture
def tracker() -> tr.Tracker:
    t = tr.Tracker(now=NOW)
    populate(t)
    return t
