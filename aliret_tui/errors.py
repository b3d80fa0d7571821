"""The base of every error that is the user's to fix (bad input, unusable file).

The command line prints these as one line and exits with status 2; the TUI
shows them at the field or in a notification. Anything else is a bug.
"""


class UserError(Exception):
    """A refusal with a message written for the user."""
