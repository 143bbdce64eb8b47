"""Domain errors. Channels turn them into polite messages; their args are for logs."""


class DomainError(Exception):
    """Base class: a request that cannot be carried out; nothing was changed."""


class CommuneNotFound(DomainError):
    pass


class InvalidCommuneCode(DomainError):
    pass


class ProvinceNotFound(DomainError):
    """No province (post-2025: 34) has this code, or it is not a code at all."""


class CommuneExists(DomainError):
    pass


class VillageExists(DomainError):
    pass


class StaffExists(DomainError):
    pass


class StaffChatTaken(DomainError):
    """The group already receives another commune's cases, and whoever binds it is not that
    commune's admin. Args: the names of those communes."""


class TicketNotFound(DomainError):
    pass


class InvalidTicketCode(DomainError):
    pass


class NotAuthorized(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class TransitionRefused(DomainError):
    """The action is not allowed from the ticket's current state (e.g. replying to a
    rejected ticket). Args: code, current status, action."""


class Conflict(DomainError):
    """Someone else changed the ticket first; the caller's action was not applied."""


class InviteNotFound(DomainError):
    """No invitation has this token."""


class InviteExpired(DomainError):
    """The invitation's time ran out before it was used."""


class InviteUsed(DomainError):
    """The invitation was already used: each works once."""


class InviteRevoked(DomainError):
    """The invitation was revoked, or the admin who made it was removed or is no longer an
    admin: it makes nobody staff."""


class LastAdmin(DomainError):
    """The change would leave the commune without an admin."""


class StaffNotFound(DomainError):
    """No active staff member with this id (removed meanwhile, or an old button)."""


class SignInRefused(DomainError):
    """The login, the password or the code is wrong, or the person is no longer staff: the
    same answer whichever, so nothing tells whether a login exists."""


class SignInSlowed(DomainError):
    """Too many failed sign-ins for this login or address: the next try is looked at only
    after `args[0]` (an aware datetime)."""


class SecondFactorNeeded(DomainError):
    """The password is right; the person's TOTP code is needed too."""


class SecondFactorMissing(DomainError):
    """A commune of theirs requires a TOTP code and the person has none set up yet."""


class DeskSessionEnded(DomainError):
    """No such desk session, or it ended (logout, idle, too old, revoked)."""


class AccountNotFound(DomainError):
    """No staff member has this login."""


class LoginTaken(DomainError):
    """Another person already signs in with this login."""


class LinkNotUsable(DomainError):
    """A password link that is unknown, used, replaced or expired."""
