"""Every setting paperdeck has: its name, type, default, the values it admits, and what it does.

This module is the one owner of settings. The reader, the review, export, the settings dialog
and `paperdeck settings` all read and write them through it, so a setting's default and its
rules live in one place. Values are kept in the store's `settings` table under `Setting.key`
(the keys stores already hold; they never change). A stored value of the wrong type or out of
range (a hand-edited file, an older version) reads as the default, never as an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from tui.state.store_file import StoreReadOnly

# Words a user may type for yes and no (`paperdeck settings star_adds_card off`).
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0"})


class SettingsTable(Protocol):
    """What settings need of the store: its `settings` table, read and written by key."""

    def setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class Setting:
    """One setting: what it is called, what it holds, and which values make sense."""

    name: str  # what a user types: `paperdeck settings NAME`
    key: str  # where the store keeps it
    kind: type  # bool, int, float or str
    default: Any
    help: str  # a phrase, as the settings dialog and `paperdeck settings` show it
    group: str  # "review", "reader" or "app"
    low: float | None = None  # inclusive bounds of a number
    high: float | None = None
    choices: tuple[str, ...] = ()  # the admitted values of a str; empty admits any

    def admits(self, value: Any) -> bool:
        """Whether `value` is one this setting can hold (the type exactly: `True` is no int here)."""
        if self.kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        else:
            ok = type(value) is self.kind
        if not ok:
            return False
        if self.low is not None and value < self.low:
            return False
        if self.high is not None and value > self.high:
            return False
        return not self.choices or value in self.choices

    def parse(self, text: str) -> Any:
        """The value a user typed, checked; ValueError says what is wrong in the user's words."""
        text = text.strip()
        value: Any = None
        if self.kind is bool:
            word = text.lower()
            value = True if word in _TRUE_WORDS else False if word in _FALSE_WORDS else None
        elif self.kind is int:
            value = int(text) if text.isdigit() else None
        elif self.kind is float:
            try:
                value = float(text)
            except ValueError:
                value = None
        else:
            value = text
        if value is None or not self.admits(value):
            raise ValueError(f"{self.name} must be {self.expects()}, not {text!r}")
        return value

    def expects(self) -> str:
        """What values are admitted, as a phrase for messages."""
        if self.kind is bool:
            return "true or false"
        if self.kind is int:
            return f"a whole number from {self.low:g} to {self.high:g}"
        if self.kind is float:
            return f"a number from {self.low:.2f} to {self.high:.2f}"
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return "some text"

    def show(self, value: Any) -> str:
        """The value as `paperdeck settings` prints it (`true`, not `True`)."""
        return str(value).lower() if isinstance(value, bool) else str(value)

    @property
    def fallback(self) -> Any:
        """What holds until a value is set here: the config file's, else paperdeck's default."""
        return _CHOSEN_DEFAULTS.get(self.name, self.default)

    def read(self, store: SettingsTable) -> Any:
        """The stored value, or the fallback when none, or nonsense, is stored."""
        value = store.setting(self.key, self.fallback)
        return value if self.admits(value) else self.fallback

    def source(self, store: SettingsTable) -> str:
        """Where the value `read` gives comes from: "set", "config file" or "default"."""
        if self.admits(store.setting(self.key, _UNSET)):
            return "set"
        return "config file" if self.name in _CHOSEN_DEFAULTS else "default"

    def write(self, store: SettingsTable, value: Any) -> None:
        """Keeps `value` (raises StoreReadOnly on a read-only store, ValueError on a bad value)."""
        if not self.admits(value):
            raise ValueError(f"{self.name} must be {self.expects()}, not {value!r}")
        if store.setting(self.key) != value:
            store.set_setting(self.key, value)


DESIRED_RETENTION = Setting(
    "desired_retention",
    "review_desired_retention",
    float,
    0.90,
    "the share of cards you want to recall when they come due (0.70 to 0.99)",
    "review",
    low=0.70,
    high=0.99,
)
NEW_PER_DAY = Setting(
    "new_per_day", "review_new_per_day", int, 10, "new cards a day's sessions may introduce", "review", low=0, high=9999
)
DAY_START_HOUR = Setting(
    "day_start_hour",
    "review_day_start_hour",
    int,
    4,
    "the local hour (0 to 23) at which a new review day begins",
    "review",
    low=0,
    high=23,
)
LEECH_LAPSES = Setting(
    "leech_lapses",
    "review_leech_lapses",
    int,
    8,
    "lapses (Again on a card in review) that make a card a leech: tagged leech and suspended (0: never)",
    "review",
    low=0,
    high=99,
)
STAR_ADDS_CARD = Setting(
    "star_adds_card", "review_star_adds_card", bool, True, "starring a paper puts it in the review deck", "review"
)
# Korean, English, or both; `l` cycles through them in this order.
LANGUAGES = ("ko", "en", "both")
LANGUAGE_NAMES = {"ko": "Korean", "en": "English", "both": "Korean and English"}
COMMENTARY_LANGUAGE = Setting(
    "commentary_language",
    "commentary_language",
    str,
    "ko",
    "the commentary shown: ko (Korean), en (English) or both; the reader, reviews and export follow it",
    "reader",
    choices=LANGUAGES,
)
MARK_READ_ON_OPEN = Setting(
    "mark_read_on_open", "mark_read_on_open", bool, True, "opening a paper (Enter) marks it read", "reader"
)
HIDE_SEEN_BEFORE = Setting(
    "hide_seen_before",
    "hide_seen_before",
    bool,
    False,
    "the list hides papers that appeared in a digest on an earlier day (H)",
    "reader",
)
THEME = Setting("theme", "theme", str, "paperdeck-dark", "the colour theme (Ctrl+P lists them)", "app")

# The config file's values, by setting name: the defaults this machine's user chose. One owner,
# this module; `choose_defaults` is called once, as a command or the app starts.
_CHOSEN_DEFAULTS: dict[str, Any] = {}
_UNSET = object()


def choose_defaults(values: Mapping[str, Any]) -> None:
    """Makes `values` (checked: each admitted by its setting) the defaults from now on."""
    _CHOSEN_DEFAULTS.clear()
    _CHOSEN_DEFAULTS.update(values)


SETTINGS: tuple[Setting, ...] = (
    DESIRED_RETENTION,
    NEW_PER_DAY,
    DAY_START_HOUR,
    LEECH_LAPSES,
    STAR_ADDS_CARD,
    COMMENTARY_LANGUAGE,
    MARK_READ_ON_OPEN,
    HIDE_SEEN_BEFORE,
    THEME,
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def setting_named(name: str) -> Setting:
    """The setting called `name`; ValueError names the settings there are."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"no setting {name!r}; the settings are: {', '.join(BY_NAME)}") from None


def remember(store: SettingsTable, setting: Setting, value: Any) -> bool:
    """Keeps a preference that applies to this session whether or not it can be saved (the
    theme, the commentary language); False when the store is read-only and it was not saved.

    Changes a user asks for as such (review settings, mark-read-on-open) use `Setting.write`
    instead, and tell the user when the store is read-only."""
    try:
        setting.write(store, value)
    except StoreReadOnly:
        return False
    return True


@dataclass(frozen=True)
class ReviewSettings:
    """The review group, typed: what a deck is scheduled by."""

    desired_retention: float = DESIRED_RETENTION.default
    new_per_day: int = NEW_PER_DAY.default
    day_start_hour: int = DAY_START_HOUR.default
    leech_lapses: int = LEECH_LAPSES.default
    star_adds_card: bool = STAR_ADDS_CARD.default

    @classmethod
    def from_store(cls, store: SettingsTable) -> ReviewSettings:
        """The settings in the store; a missing or nonsensical value falls back to its default."""
        return cls(**{setting.name: setting.read(store) for setting in REVIEW_SETTINGS})

    def with_text(self, name: str, text: str) -> ReviewSettings:
        """These settings with `name` set from text a user typed; ValueError says what is wrong."""
        setting = setting_named(name)
        if setting.group != "review":
            raise ValueError(f"{name} is not a review setting")
        return replace(self, **{name: setting.parse(text)})

    def save(self, store: SettingsTable) -> None:
        """Writes every review setting to the store (raises StoreReadOnly on a read-only store)."""
        for setting in REVIEW_SETTINGS:
            setting.write(store, getattr(self, setting.name))


# Not a setting a user types: the sort each view was last shown in (`tui.sorting`), by view.
VIEW_SORTS = Setting("view_sorts", "view_sorts", dict, {}, "the sort each view was last shown in", "memory")

# Not a setting a user types: the FSRS parameters fitted to the user's answers (`tui.review.parameters`
# reads and writes it), with the ones before them, for `paperdeck optimize --reset`.
FSRS_PARAMETERS = Setting(
    "fsrs_parameters", "review_fsrs_parameters", dict, {}, "the FSRS parameters fitted to your answers", "memory"
)

REVIEW_SETTINGS = tuple(setting for setting in SETTINGS if setting.group == "review")
# What each review setting does, by name, for the settings dialog.
REVIEW_HELP: dict[str, str] = {setting.name: setting.help for setting in REVIEW_SETTINGS}


def next_language(language: str) -> str:
    """The language `l` switches to from `language`."""
    return LANGUAGES[(LANGUAGES.index(language) + 1) % len(LANGUAGES)] if language in LANGUAGES else LANGUAGES[0]
