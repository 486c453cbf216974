"""Numbers, dates and values in the report's language (Babel: `33,9 %`, `1 040`, `−28,6`)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from avr.compute.indicators import amount, target_op
from avr.compute.rounding import decimals_of
from avr.model.goal import Indicator, Target, Value
from avr.render.labels import Labels


def rounded(value: Decimal | int, decimals: int) -> Decimal:
    """The value as printed with ``decimals`` decimals (half up, as people round)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: Decimal | int | None, locale: str, decimals: int | None = None) -> str:
    """Format with the locale's separators; `decimals` fixes the number of decimals."""
    if value is None:
        return ""
    if decimals is not None:
        value = rounded(value, decimals)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=locale)
    return format_decimal(value, locale=locale, decimal_quantization=False)


def long_date(day: dt.date | None, locale: str) -> str:
    """"28 januari 2021" for prose."""
    return format_date(day, format="d MMMM y", locale=locale) if day else ""


def decimals_for(indicator: Indicator) -> int | None:
    """Decimals of a computed share: the indicator's `decimals`, else avr.yaml's (1: 33,9 % as in the seeds)."""
    return indicator.share_decimals if indicator.unit == "percent" or indicator.decimals is not None else None


def amount_decimals(indicator: Indicator, value: Value) -> int | None:
    """Decimals an outcome's amount prints with, as the source prints it.

    The indicator's `decimals` when set; for a share, the decimals of the figure stated beside it
    (`89/187 (48 %)` prints 48 %), else `decimals_for`; a typed value as written (39,0 stays 39,0).
    """
    if indicator.decimals is not None:
        return indicator.decimals
    if value.numerator is not None:
        return decimals_of(value.stated) if value.stated is not None else decimals_for(indicator)
    return decimals_of(value.value) if value.value is not None else None


def sex_decimals(indicator: Indicator, number: Decimal) -> int:
    """Decimals of a value for women or men: the indicator's `decimals`, else as written (K 76,0 / M 0)."""
    return indicator.decimals if indicator.decimals is not None else decimals_of(number)


def change_decimals(indicator: Indicator) -> int | None:
    """Decimals a change is printed with; percentage points with the share's decimals (one by default)."""
    return decimals_for(indicator)


def with_unit(text: str, indicator: Indicator, labels: Labels) -> str:
    unit = indicator.unit_label if indicator.unit_label is not None else labels("unit", indicator.unit)
    if not text or not unit:
        return text
    return f"{text}\u00a0{unit}"  # no-break space keeps "33,9 %" together


def value_text(indicator: Indicator, value: Value | None, labels: Labels) -> str:
    """An outcome as printed: `33,9 %`, `33,9 % (353 av 1 040)`, or its words."""
    if value is None:
        return ""
    locale = labels.locale
    parts = []
    num = amount(indicator, value)
    if num is not None:
        parts.append(with_unit(number(num, locale, amount_decimals(indicator, value)), indicator, labels))
        if value.numerator is not None:
            of = labels("field", "of")
            parts.append(f"({number(value.numerator, locale)} {of} {number(value.denominator, locale)})")
    if value.women is not None or value.men is not None:
        sexes = []
        if value.women is not None:
            sexes.append(f"K {number(value.women, locale, sex_decimals(indicator, value.women))}")
        if value.men is not None:
            sexes.append(f"M {number(value.men, locale, sex_decimals(indicator, value.men))}")
        parts.append(" / ".join(sexes) if not parts else f"[{' / '.join(sexes)}]")
    if value.text:
        parts.append(value.text)
    if value.comment:
        parts.append(value.comment if value.comment.startswith("*") and not parts else f"({value.comment})")
        if value.comment == "*" and parts:
            parts[-2:] = [parts[-2] + "*"]
    return " ".join(parts)


def target_text(indicator: Indicator, target: Target | None, labels: Labels) -> str:
    """A target as printed: `≥ 90 %`, `≤ 330 hushåll` (a bare number with its meaning), `minst 90 %` when written
    so, `Ska öka`, or its words; a sign is bound to its number by a no-break space, so a narrow cell never breaks
    after it."""
    if target is None:
        return ""
    if target.text:
        return target.text
    if target.direction:
        return str(labels("field", f"target_{target.direction}"))
    assert target.value is not None
    op = f"{target.word} " if target.word else {">=": "≥\u00a0", "<=": "≤\u00a0", "=": "=\u00a0"}[target_op(indicator, target)]
    return op + with_unit(number(target.value, labels.locale, decimals_of(target.value)), indicator, labels)


def change_text(change: Decimal | None, indicator: Indicator, labels: Labels) -> str:
    """A change with sign; percentage points for shares (`+0,3 procentenheter`)."""
    if change is None:
        return ""
    sign = "+" if change > 0 else ("-" if change < 0 else "±")
    text = sign + number(abs(change), labels.locale, change_decimals(indicator))
    if indicator.unit == "percent":
        return f"{text}\u00a0{labels('field', 'percentage_points')}"
    return with_unit(text, indicator, labels)
