"""The settings: one definition each, read back from a real store, nonsense read as the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import settings
from tui.settings import (
    COMMENTARY_LANGUAGE,
    DAY_START_HOUR,
    DESIRED_RETENTION,
    MARK_READ_ON_OPEN,
    NEW_PER_DAY,
    SETTINGS,
    STAR_ADDS_CARD,
    THEME,
    ReviewSettings,
    next_language,
    remember,
    setting_named,
)
from tui.state.store import Store, StoreReadOnly


def test_every_setting_has_a_unique_name_and_key_and_admits_its_default():
    assert len({s.name for s in SETTINGS}) == len(SETTINGS)
    assert len({s.key for s in SETTINGS}) == len(SETTINGS)
    for setting in SETTINGS:
        assert setting.admits(setting.default), setting.name
        assert setting.help and setting.group in ("review", "reader", "app")


def test_the_keys_stores_already_hold_never_change():
    # Stores written by every earlier version keep these keys; renaming one loses a user's choice.
    assert {s.name: s.key for s in SETTINGS} == {
        "desired_retention": "review_desired_retention",
        "new_per_day": "review_new_per_day",
        "day_start_hour": "review_day_start_hour",
        "leech_lapses": "review_leech_lapses",
        "star_adds_card": "review_star_adds_card",
        "commentary_language": "commentary_language",
        "mark_read_on_open": "mark_read_on_open",
        "hide_seen_before": "hide_seen_before",
        "theme": "theme",
    }


@pytest.mark.parametrize(
    ("setting", "text", "value"),
    [
        (DESIRED_RETENTION, " 0.85 ", 0.85),
        (DESIRED_RETENTION, "0.7", 0.7),
        (NEW_PER_DAY, "0", 0),
        (NEW_PER_DAY, "9999", 9999),
        (DAY_START_HOUR, "23", 23),
        (STAR_ADDS_CARD, "off", False),
        (STAR_ADDS_CARD, "YES", True),
        (COMMENTARY_LANGUAGE, "both", "both"),
        (THEME, "paperdeck-light", "paperdeck-light"),
    ],
)
def test_typed_values_are_read_as_their_type(setting, text, value):
    parsed = setting.parse(text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    ("setting", "text", "message"),
    [
        (DESIRED_RETENTION, "1.5", "desired_retention must be a number from 0.70 to 0.99, not '1.5'"),
        (DESIRED_RETENTION, "lots", "desired_retention must be a number from 0.70 to 0.99, not 'lots'"),
        (NEW_PER_DAY, "-1", "new_per_day must be a whole number from 0 to 9999, not '-1'"),
        (DAY_START_HOUR, "24", "day_start_hour must be a whole number from 0 to 23, not '24'"),
        (STAR_ADDS_CARD, "maybe", "star_adds_card must be true or false, not 'maybe'"),
        (COMMENTARY_LANGUAGE, "fr", "commentary_language must be one of ko, en, both, not 'fr'"),
    ],
)
def test_a_bad_value_is_refused_in_the_users_words(setting, text, message):
    with pytest.raises(ValueError) as raised:
        setting.parse(text)
    assert str(raised.value) == message


def test_an_unknown_name_lists_the_settings_there_are():
    with pytest.raises(ValueError, match="no setting 'colour'; the settings are: desired_retention, "):
        setting_named("colour")
    assert setting_named("theme") is THEME


def test_values_round_trip_through_a_real_store_and_nonsense_reads_as_the_default(tmp_path: Path):
    path = tmp_path / "store.json"
    store = Store.open(path)
    for setting in SETTINGS:
        assert setting.read(store) == setting.default, setting.name
    COMMENTARY_LANGUAGE.write(store, "en")
    MARK_READ_ON_OPEN.write(store, False)
    THEME.write(store, "paperdeck-light")
    assert store.close()
    store = Store.open(path)
    assert (COMMENTARY_LANGUAGE.read(store), MARK_READ_ON_OPEN.read(store), THEME.read(store)) == (
        "en",
        False,
        "paperdeck-light",
    )
    # Hand-edited or left by another version: the wrong type, out of range, not a choice.
    for setting, nonsense in [
        (COMMENTARY_LANGUAGE, "klingon"),
        (MARK_READ_ON_OPEN, 1),
        (NEW_PER_DAY, True),
        (DESIRED_RETENTION, 0.5),
        (THEME, 7),
    ]:
        store.set_setting(setting.key, nonsense)
        assert setting.read(store) == setting.default, setting.name
    with pytest.raises(ValueError, match="commentary_language must be one of"):
        COMMENTARY_LANGUAGE.write(store, "fr")
    store.close()


def test_review_settings_are_the_review_group_typed(tmp_path: Path):
    store = Store.open(tmp_path / "store.json")
    assert [s.name for s in settings.REVIEW_SETTINGS] == [
        "desired_retention",
        "new_per_day",
        "day_start_hour",
        "leech_lapses",
        "star_adds_card",
    ]
    chosen = ReviewSettings().with_text("new_per_day", "25").with_text("star_adds_card", "no")
    assert chosen == ReviewSettings(new_per_day=25, star_adds_card=False)
    chosen.save(store)
    assert store.setting("review_new_per_day") == 25
    assert ReviewSettings.from_store(store) == chosen
    with pytest.raises(ValueError, match="theme is not a review setting"):
        ReviewSettings().with_text("theme", "paperdeck-light")
    store.close()


def test_a_preference_on_a_read_only_store_applies_to_the_session_and_says_it_was_not_kept(tmp_path: Path):
    path = tmp_path / "store.json"
    first = Store.open(path)
    second = Store.open(path)
    assert second.read_only
    assert remember(second, COMMENTARY_LANGUAGE, "en") is False
    with pytest.raises(StoreReadOnly):
        MARK_READ_ON_OPEN.write(second, False)
    assert remember(first, COMMENTARY_LANGUAGE, "en") is True
    assert COMMENTARY_LANGUAGE.read(first) == "en"
    second.close()
    first.close()


def test_l_goes_korean_english_both_and_round():
    assert [next_language(x) for x in ("ko", "en", "both", "nonsense")] == ["en", "both", "ko", "ko"]
