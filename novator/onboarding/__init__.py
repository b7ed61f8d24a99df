"""Letting people in without an administrator: invitations by e-mail with their workflow, an
organisation's staff file imported with invitations, requests to join, and deactivating accounts."""
