"""A real SMTP server on loopback (aiosmtpd) and what it received, for the tests of everything that sends mail.
The ``smtp_inbox`` fixture (tests/conftest.py) points the product's mail settings at it."""

import email
import email.policy
import socket
from email.message import Message


class Inbox:
    """What a real SMTP server on loopback received: (recipients, parsed message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for rcpts, m in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def text_of(message: Message) -> str:
    """Every text part of a message, decoded and joined."""
    return "\n".join(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                     for part in message.walk() if not part.is_multipart())
