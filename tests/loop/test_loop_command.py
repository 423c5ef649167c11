"""`outsidein loop …` from a shell: raise, list, move the status, send the drafts once, make a link."""

from io import StringIO

import factories
import pytest
from django.core.management import CommandError, call_command

from outsidein.loop.models import CustomerLink, Message, Suggestion


def run(*args: str) -> str:
    out = StringIO()
    call_command("loop", *args, stdout=out)
    return out.getvalue()


def test_raise_list_move_send_and_link(workspace, owner, viewer, smtp_inbox):
    acme = factories.account(workspace, "Acme Freight")
    factories.person(workspace, "Ana Alvarez", account=acme, email="ana@acme.example")
    ws = ["--workspace", workspace.slug]
    said = run("raise", *ws, "--by", owner.email, "--person", "ana@acme.example",
               "--words", "Let us pay our invoices by credit card")
    suggestion = Suggestion.objects.get(workspace=workspace)
    assert f"Raised suggestion {suggestion.pk}" in said and "raised by 1 person at 1 account" in said
    joined = run("raise", *ws, "--by", owner.email, "--words", "Could we pay the invoice with a card?")
    assert f"Joined suggestion {suggestion.pk}" in joined
    assert "Let us pay our invoices by credit card" in run("suggestions", *ws)

    moved = run("status", str(suggestion.pk), *ws, "--by", owner.email, "--to", "considering",
                "--next-step", "Finance looks at it in January.")
    assert "1 message drafted" in moved
    assert "1 sent." in run("send", str(suggestion.pk), *ws, "--by", owner.email)
    assert "0 sent." in run("send", str(suggestion.pk), *ws, "--by", owner.email)  # never twice
    assert len(smtp_inbox.messages) == 1
    assert Message.objects.get().status == "sent" and "Sent" in run("messages", *ws)

    link = run("link", *ws, "--by", owner.email, "--person", "ana@acme.example")
    assert "/c/" in link and CustomerLink.objects.filter(person__email="ana@acme.example").count() == 1

    with pytest.raises(CommandError, match="viewer"):
        run("raise", *ws, "--by", viewer.email, "--words", "Anything")
    with pytest.raises(CommandError, match="deserve the reason"):
        run("status", str(suggestion.pk), *ws, "--by", owner.email, "--to", "not_doing")
    with pytest.raises(CommandError, match="No workspace"):
        run("suggestions", "--workspace", "nowhere")
