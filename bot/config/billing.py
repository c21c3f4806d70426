"""Billing-decision settings: the billing cycle, who may record decisions, when the weekly post goes out.

``OVERAGE_BILLING_CYCLE``: ``monthly`` (default), ``quarterly`` or ``yearly`` — a ``billed`` decision
covers the calendar period (in ``OVERAGE_TIMEZONE``) it was made in. ``OVERAGE_APPROVERS``: Slack
user ids / Azure AD object ids allowed to record decisions (unset: everyone allowed to use the
bot). ``OVERAGE_POST_WHEN``: ``always`` (default), ``needs-action`` (skip weeks when nothing needs
action) or ``changes`` (skip weeks when the over-limit list and every excess are as last week).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode

from bot.config.checks import split_ids

__all__ = ["BillingSettings", "PostWhen"]

PostWhen = Literal["always", "needs-action", "changes"]


class BillingSettings(BaseSettings):
    """The billing-decision settings (a mixin of :class:`bot.config.Settings`).

    Validator names start with ``_billing_``: a method of the same name in ``Settings`` would
    silently replace the validator.
    """

    overage_billing_cycle: Literal["monthly", "quarterly", "yearly"] = "monthly"
    overage_approvers: Annotated[tuple[str, ...], NoDecode] = ()
    overage_post_when: PostWhen = "always"

    @field_validator("overage_billing_cycle", "overage_post_when", mode="before")
    @classmethod
    def _billing_choice(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            text = value.strip().lower().replace("_", "-")
            return text or cls.model_fields[str(info.field_name)].default
        return value

    @field_validator("overage_approvers", mode="before")
    @classmethod
    def _billing_approver_ids(cls, value: object) -> object:
        return split_ids(value)

    @field_validator("overage_approvers")
    @classmethod
    def _billing_approvers_are_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if item.startswith("@") or any(ch.isspace() for ch in item):
                raise ValueError(
                    f"{item!r} is a name, not an id: use Slack user ids (profile ⋮ → Copy member ID, U…) "
                    "or Teams Azure AD object ids"
                )
        return value
