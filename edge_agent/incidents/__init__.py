"""Incidents on the agent side: evidence images, throttling and the per-zone tracker.

The incident value itself is part of the contract: :mod:`edge_agent.contract.incident`.
"""
