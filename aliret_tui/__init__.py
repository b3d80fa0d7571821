"""aliret-tui: never miss a return deadline on an online order."""

__version__ = "0.1.0"
PROG = "aliret-tui"  # the command, as messages name it
