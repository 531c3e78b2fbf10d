"""Incidents on the agent side: who observed them (``origin``), zone alarm events (``event``),
the per-zone tracker that gives them ids and wall times (``tracker``), evidence images.

This room sits below the analytics and imports none of them. The incident value itself is part
of the contract: :mod:`edge_agent.contract.incident`.
"""
