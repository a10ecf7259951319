"""The one exception a command raises for a user's mistake: printed as one sentence, exit 2."""


class UserError(Exception):
    """A mistake the user can fix; its message is one clear sentence."""

    exit_code = 2
