"""Audit log of privileged actions."""
