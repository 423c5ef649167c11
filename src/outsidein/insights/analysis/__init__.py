"""Statistics and text analysis for voice-of-the-customer data, free of Django models."""
