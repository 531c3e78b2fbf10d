"""Both sides at once: the demo and the end-to-end transport benchmark.

This is the one place of the collector allowed to import the edge agent beyond its contract
(``edge_agent.contract``): it composes a broker, a collector and an agent in one process, so a
newcomer can see the whole system run and the team can measure it end to end. Nothing else in the
collector imports this package except its two CLI commands (``collector demo``, ``collector bench``).
"""
