"""Kring: a live, shared board for intervisie groups."""
