"""The product's own date and time formats (settings.FORMAT_MODULE_PATH), one per language Django knows."""
