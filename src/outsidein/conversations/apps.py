from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "outsidein.conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        from outsidein.conversations.selectors import account_section
        from outsidein.customers.selectors import add_account_section

        # The account page (customers, an earlier area) lists the account's conversations and highlights.
        add_account_section(account_section)
