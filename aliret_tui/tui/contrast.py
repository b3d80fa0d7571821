"""Keep coloured text readable whatever the theme: urgency colours come from theme
variables, and a few built-in themes pair them with backgrounds too close to them."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.style import Style

MINIMUM_CONTRAST = 3.0  # WCAG's figure for large or bold text


def _luminance(colour: RichColor) -> float:
    red, green, blue = colour.get_truecolor()

    def channel(value: int) -> float:
        scaled = value / 255
        return scaled / 12.92 if scaled <= 0.03928 else ((scaled + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(foreground: RichColor, background: RichColor) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(style: Style, minimum: float = MINIMUM_CONTRAST) -> Style:
    """``style`` with its text colour moved towards black or white until it reads."""
    foreground, background = style.color, style.bgcolor
    if foreground is None or background is None or foreground.is_default or background.is_default:
        return style
    if contrast(foreground, background) >= minimum:
        return style
    toward = (0, 0, 0) if _luminance(background) > 0.2 else (255, 255, 255)
    red, green, blue = foreground.get_truecolor()
    for step in range(1, 11):
        share = step / 10
        mixed = RichColor.from_rgb(
            *(
                round(own + (goal - own) * share)
                for own, goal in zip((red, green, blue), toward, strict=True)
            )
        )
        if contrast(mixed, background) >= minimum:
            return style + Style(color=mixed)
    return style + Style(color=RichColor.from_rgb(*toward))
