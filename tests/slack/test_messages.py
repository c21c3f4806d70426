"""The user-facing Slack texts."""

from __future__ import annotations

from bot.errors import ActionableError
from bot.keepnet.errors import KeepnetNotResellerError
from bot.slack import messages


def _is_escaped(text: str) -> bool:
    return (
        "<" not in text
        and ">" not in text
        and text.count("&") == (text.count("&amp;") + text.count("&lt;") + text.count("&gt;"))
    )


def test_help_lists_every_command() -> None:
    """The help text lists /overage, top 25, find <text> and help."""
    text = messages.help_text()
    for command in ("`/overage`", "`/overage top 25`", "`/overage find &lt;text&gt;`", "`/overage help`"):
        assert command in text
    assert _is_escaped(text)


def test_usage_error_explains_then_helps() -> None:
    """A usage error shows the problem first, escaped, then the help."""
    text = messages.usage("Unknown command “<!channel>”.")
    assert text.startswith(":warning: Unknown command “&lt;!channel&gt;”.")
    assert text.endswith(messages.help_text())


def test_working_on_it() -> None:
    """The acknowledgement says the report is being built, naming an escaped search text."""
    assert "Working on the overage report" in messages.working_on_it()
    text = messages.working_on_it("A&B <x>")
    assert "A&amp;B &lt;x&gt;" in text
    assert _is_escaped(text)


def test_preparing_export() -> None:
    """The Excel button's acknowledgement."""
    assert "Preparing the Excel export…" in messages.preparing_export()


def test_access_denied_names_the_settings() -> None:
    """Access denied tells the user which settings an admin must change."""
    text = messages.access_denied()
    assert "You are not allowed to run /overage here" in text
    assert "OVERAGE_ALLOWED_USERS" in text
    assert "OVERAGE_ALLOWED_CHANNELS" in text


def test_bot_not_in_channel() -> None:
    """Tells how to invite the bot."""
    assert messages.bot_not_in_channel() == (
        "I'm not a member of this channel — invite me with `/invite @overage-bot` and try again."
    )


def test_upload_failed_keeps_reason_escaped() -> None:
    """The summary stays; the reason the file could not be attached is shown escaped."""
    text = messages.upload_failed("file too large <&>")
    assert "The CSV file could not be attached: file too large &lt;&amp;&gt;" in text
    excel = messages.upload_failed("Slack answered file_upload_failed", kind="Excel")
    assert excel == (
        ":warning: The Excel file could not be attached: Slack answered file_upload_failed. "
        "Click *Excel export* on the report to try again."
    )
    assert text.endswith("Click *Refresh* on the report to try again.")


def test_slack_failure_texts_are_escaped() -> None:
    """The error handler's Slack texts live here and escape whatever Slack or the network said."""
    assert messages.slack_refused("bad<code>") == ":x: Slack refused the message (`bad&lt;code&gt;`)."
    assert messages.slack_unreachable("reset & <closed>") == (
        ":x: Slack could not be reached: reset &amp; &lt;closed&gt;"
    )
    assert "the bot's log has the details" in messages.unexpected_error()


def test_export_already_running() -> None:
    """A second click is told an export is already under way."""
    assert "already" in messages.export_already_running()


def test_format_error_uses_message_and_remediation() -> None:
    """A Keepnet error shows its message and its remediation."""
    error = KeepnetNotResellerError("Keepnet answered 403 Forbidden.")
    text = messages.format_error(error)
    assert "Keepnet answered 403 Forbidden." in text
    assert "Client Role = Reseller" in text


def test_format_error_accepts_any_typed_error_and_escapes() -> None:
    """Any ActionableError works; its message and remediation are escaped and bounded."""
    text = messages.format_error(ActionableError("<!here> broke & failed", remediation="x" * 5000))
    assert "&lt;!here&gt; broke &amp; failed" in text
    assert _is_escaped(text)
    assert len(text) < 2000


def test_weekly_post_gave_up() -> None:
    """The give-up text names the reason, the attempts and how to post by hand."""
    text = messages.weekly_post_gave_up("channel_not_found", tries=3)
    assert "could not be posted after 3 attempts: channel_not_found" in text
    assert "overage-bot post" in text


def test_all_within_limit() -> None:
    """Zero offenders get a short positive text."""
    assert (
        messages.all_within_limit(537)
        == ":white_check_mark: All 537 customers are within their license limit."
    )
    assert "1,200 customers" in messages.all_within_limit(1200)
    assert "only customer" in messages.all_within_limit(1)
    assert "No customers found" in messages.all_within_limit(0)
    assert "matching “&lt;q&gt;”" in messages.all_within_limit(3, query="<q>")


def test_the_same_words_everywhere() -> None:
    """Help, the message and the terminal all call the report's file "the attached CSV"."""
    assert "the attached CSV" in messages.help_text()
