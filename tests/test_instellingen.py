"""Settings: environment first, then the secrets section, then the default."""
from wijkdata import instellingen


def test_environment_wins_over_secrets(monkeypatch):
    monkeypatch.setenv("WIJKDATA_PDOK_URL", "http://127.0.0.1:9/pdok")
    assert instellingen.waarde("pdok_url", {"pdok_url": "https://api.pdok.nl"}) \
        == "http://127.0.0.1:9/pdok"


def test_secrets_then_default(monkeypatch):
    monkeypatch.delenv("WIJKDATA_PDOK_URL", raising=False)
    assert instellingen.waarde("pdok_url", {"pdok_url": " https://x "}) == "https://x"
    assert instellingen.waarde("pdok_url", {"pdok_url": ""}, "d") == "d"
    assert instellingen.waarde("pdok_url", None, "d") == "d"


def test_numbers_and_switches(monkeypatch):
    monkeypatch.setenv("WIJKDATA_TIMEOUT", "12,5")
    assert instellingen.getal("timeout") == 12.5
    monkeypatch.setenv("WIJKDATA_TIMEOUT", "snel")
    assert instellingen.getal("timeout", default=30) == 30
    assert instellingen.aan("melden_zonder_inloggen", {"melden_zonder_inloggen": True})
    assert not instellingen.aan("melden_zonder_inloggen", {"melden_zonder_inloggen": "nee"},
                                default=True)
