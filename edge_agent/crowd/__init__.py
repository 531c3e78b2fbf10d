"""Crowd analytics: levels, smoothing, alarms with hysteresis, early warning."""
