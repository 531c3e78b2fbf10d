"""Honest evaluation and tuning from recordings: hand counts, scenario truth, threshold sweeps."""
