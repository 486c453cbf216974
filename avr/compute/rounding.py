"""Figures a source document states beside those avr computes, checked within the stated figure's rounding.

Rule (also in docs/hur-resultat-raknas.md): a stated figure agrees with the computed one when
they differ by at most half a unit of the stated figure's last decimal. 48 % agrees with 89/187 (47,59 %),
19 % does not with 27/179 (15,08 %), 33,9 % agrees with 33,94 % but not with 33,96 %.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from avr.compute.indicators import amount
from avr.i18n import gettext as _
from avr.model.goal import Indicator, Value


def decimals_of(figure: Decimal) -> int:
    """The decimals a figure is written with: 48 → 0, 33,9 → 1, 39,0 → 1."""
    exponent = figure.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def rounding_tolerance(stated: Decimal) -> Decimal:
    """Half a unit of the stated figure's last decimal: 48 → 0,5; 33,9 → 0,05."""
    return Decimal(5).scaleb(-decimals_of(stated) - 1)


def agrees(stated: Decimal, computed: Decimal) -> bool:
    """The stated figure is the computed one rounded to the stated decimals (either way at exactly half)."""
    return abs(computed - stated) <= rounding_tolerance(stated)


def written(value: Decimal | None, decimals: int | None = None) -> str:
    """A number in a message as a user writes it: `381 886`, `−118,4`, `15,1` (``decimals`` rounds half up)."""
    if value is None:
        return _("nothing")
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale="sv_SE")
    else:
        text = format_decimal(value, locale="sv_SE", decimal_quantization=False)
    return text.replace("\u00a0", " ")


def stated_value_problem(indicator: Indicator, value: Value) -> str | None:
    """Why an outcome's stated figure disagrees with its numerator/denominator, or None."""
    if value.stated is None or value.numerator is None or value.denominator is None:
        return None
    computed = amount(indicator, value)
    if computed is None or agrees(value.stated, computed):
        return None
    unit = " %" if indicator.unit == "percent" else ""
    places = decimals_of(value.stated)
    return _("stated {stated}{unit} but {numerator}/{denominator} is {computed}{unit}, which rounds to {rounded}{unit}").format(
        stated=written(value.stated), unit=unit, numerator=written(value.numerator),
        denominator=written(value.denominator), computed=written(computed, places + 1), rounded=written(computed, places))
