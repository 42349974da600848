"""Peer servers the benchmark compares Kring with; each speaks the bench's minimal room protocol."""
