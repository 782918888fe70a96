"""Signing in: django-allauth's password and single sign-on (OpenID Connect) flows, restricted
to invited people, and the second factor (ADR 0033)."""
