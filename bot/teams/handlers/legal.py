"""The privacy statement and terms of use the Teams manifest links to (``/privacy``, ``/terms``).

Plain text, served without authentication by :mod:`bot.teams.routes`. They describe what this
code actually keeps (see :mod:`bot.store.tables`); change them together with the store.
"""

from __future__ import annotations

__all__ = ["privacy_text", "terms_text"]


def privacy_text() -> str:
    """The privacy statement (``GET /privacy``)."""
    return (
        "Overage bot: privacy statement\n"
        "\n"
        "Overage is a chatbot that lists the customer companies of a Keepnet reseller that are over their\n"
        "Keepnet license limit. It is installed and operated by that reseller, who decides where it runs\n"
        "and who may use it. Questions about your data go to the reseller that invited you to use it.\n"
        "\n"
        "What the bot stores\n"
        "- Weekly snapshots of the report: for each customer company over its limit, the Keepnet company\n"
        "  id and name, its license limit and its active-user and excess counts, used to show the\n"
        "  week-over-week change.\n"
        "- Teams conversation references for the team channels the app is installed in (channel, team\n"
        "  and tenant ids and the Bot Framework service address), used to post the weekly report there.\n"
        "- A record of each weekly post (destination, week, time, message id), so that no report is\n"
        "  posted twice.\n"
        "\n"
        "What the bot does not store\n"
        "- The messages people send it: a command is read, answered and not kept.\n"
        "- Names, e-mail addresses or other personal details of the people who use it.\n"
        "- Export files: CSV and Excel exports are fetched from Keepnet when a download link is opened\n"
        "  and are not kept; the links expire after 10 minutes.\n"
        "\n"
        "Report data fetched from Keepnet is held in memory for a short time to answer repeated requests.\n"
        "The operational logs record what the bot did (for example that a report was sent), never the\n"
        "text of a message or any credential.\n"
    )


def terms_text() -> str:
    """The terms of use (``GET /terms``)."""
    return (
        "Overage bot: terms of use\n"
        "\n"
        "Overage is operated by the Keepnet reseller that installed it in your organisation, not by\n"
        "Microsoft or Keepnet. The reseller is responsible for running it, for who may use it and for\n"
        "the Keepnet data it shows; contact the reseller with any question or request.\n"
        "\n"
        "The reports show the license usage Keepnet reports for the reseller's customer companies at the\n"
        "time they were fetched (a cached report says how old it is). They are provided as is, for the\n"
        "reseller's own license management, and are not an invoice.\n"
        "\n"
        "Use the bot only in conversations where everyone may see the reseller's customer list, and do\n"
        "not share export download links: anyone with a link can download the export until it expires.\n"
        "\n"
        "See /privacy for what the bot stores.\n"
    )
