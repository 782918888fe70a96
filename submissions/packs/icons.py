"""The SPC icons of a pack page, as "Making Data Count" draws them (our own drawings).

Variation: a circle, grey with a flat run of dots for common cause; blue (improving), orange
(concerning) or purple (neither) with H or L for a special cause higher or lower. Assurance: a
circle with P (consistently passing, blue), F (consistently failing, orange) or ? (hit and miss,
grey). Each icon carries its words, which the template gives the SVG as its text alternative
(``templates/packs/spc_icon.html``); where there is no icon, the words are printed instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.engine import spc
from indicators.engine.rating_words import ASSURANCE_KEY, VARIATION_KEY
from indicators.engine.vocabulary import Polarity

GREY, BLUE, ORANGE, PURPLE = "grey", "blue", "orange", "purple"
# Ring and letter colours: the letter a darker shade, readable on white.
COLOURS = {
    GREY: ("#a5a5a5", "#505a5f"),
    BLUE: ("#41b6e6", "#005eb8"),
    ORANGE: ("#ed8b00", "#8a4a00"),
    PURPLE: ("#7c2855", "#7c2855"),
}
DOTS = "dots"


@dataclass(frozen=True)
class Icon:
    label: str  # the text alternative
    colour: str  # grey | blue | orange | purple
    mark: str  # a letter ("H", "L", "P", "F", "?") or DOTS

    @property
    def ring(self) -> str:
        return COLOURS[self.colour][0]

    @property
    def ink(self) -> str:
        return COLOURS[self.colour][1]


VARIATION_WORDS = {
    spc.COMMON: "Common cause variation",
    spc.IMPROVING: "Special cause variation: improving",
    spc.CONCERNING: "Special cause variation: concerning",
    spc.NEUTRAL_HIGH: "Special cause variation: higher (neither good nor bad)",
    spc.NEUTRAL_LOW: "Special cause variation: lower (neither good nor bad)",
}
ASSURANCE_WORDS = {
    spc.ASSURE_PASS: "Assurance: consistently passing the target",
    spc.ASSURE_FAIL: "Assurance: consistently failing the target",
    spc.ASSURE_HIT_MISS: "Assurance: hit and miss against the target",
    spc.ASSURE_TOO_FEW: "Assurance: too few months yet for process limits (13 needed)",
    spc.ASSURE_OFF_SCALE: "Assurance: no figure for the target on the chart's scale this month",
    spc.ASSURE_NONE: "No target to assure against",
}


def variation_icon(code: str | None, polarity: str) -> Icon | None:
    """The icon of a month's variation (None: no SPC for the month)."""
    if not code or code not in VARIATION_WORDS:
        return None
    words = VARIATION_WORDS[code]
    if code == spc.COMMON:
        return Icon(words, GREY, DOTS)
    if code in {spc.NEUTRAL_HIGH, spc.NEUTRAL_LOW}:
        return Icon(words, PURPLE, "H" if code == spc.NEUTRAL_HIGH else "L")
    # Improving is higher where higher is better; concerning is the other way.
    high = (code == spc.IMPROVING) == (polarity == Polarity.UP)
    return Icon(
        f"{words}, {'higher' if high else 'lower'}",
        BLUE if code == spc.IMPROVING else ORANGE,
        "H" if high else "L",
    )


_ASSURANCE_ICONS = {
    spc.ASSURE_PASS: (BLUE, "P"),
    spc.ASSURE_FAIL: (ORANGE, "F"),
    spc.ASSURE_HIT_MISS: (GREY, "?"),
}


def assurance_icon(code: str | None) -> Icon | None:
    """The icon of a month's assurance (None where there is nothing to draw: see the words)."""
    if code not in _ASSURANCE_ICONS:
        return None
    colour, mark = _ASSURANCE_ICONS[code]
    return Icon(ASSURANCE_WORDS[code], colour, mark)


def assurance_words(code: str | None) -> str:
    return ASSURANCE_WORDS.get(code or spc.ASSURE_NONE, ASSURANCE_WORDS[spc.ASSURE_NONE])


@dataclass(frozen=True)
class KeyItem:
    icon: Icon
    text: str


def icon_key() -> tuple[list[KeyItem], list[KeyItem]]:
    """The key of the variation and assurance icons (with the lower-is-better letters)."""
    variation = [
        KeyItem(icon, text)
        for code, text in VARIATION_KEY
        if (icon := variation_icon(code, Polarity.DOWN)) is not None
    ]
    assurance = [
        KeyItem(icon, text)
        for code, text in ASSURANCE_KEY
        if (icon := assurance_icon(code)) is not None
    ]
    return variation, assurance
