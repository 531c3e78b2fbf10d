"""The publisher of ``edge-agent replay --mqtt URL``: the box's own, or a throwaway one."""

from __future__ import annotations

from pathlib import Path

from edge_agent.config.models import AgentConfig
from edge_agent.publish.publisher import MqttPublisher

__all__ = ["replay_publisher"]


def replay_publisher(
    url: str,
    cfg: AgentConfig | None,
    base_dir: str | Path | None = None,
    scratch_dir: Path | None = None,
) -> MqttPublisher:
    """A started publisher for ``edge-agent replay --mqtt URL`` (``close()`` it at the end).

    With a config, its box, key and outbox are used with ``url`` as the broker; without, the box
    is ``replay/local``, unsigned, with an outbox in ``scratch_dir`` (the caller removes it), or
    in a new temporary directory.
    """
    import tempfile

    if cfg is None:
        from edge_agent.config.load import parse

        tmp = str(scratch_dir) if scratch_dir else tempfile.mkdtemp(prefix="gridwatch-replay-")
        cfg = parse(
            {
                "box": {"site_id": "replay", "box_id": "local"},
                "mqtt": {"outbox": {"path": f"{tmp}/outbox.sqlite"}},
                "evidence": {"dir": f"{tmp}/evidence"},
                "cameras": [{"id": "replay", "url": "-"}],
            }
        )
    mqtt = cfg.mqtt.model_copy(update={"url": url})
    pub = MqttPublisher.from_config(cfg.model_copy(update={"mqtt": mqtt}), base_dir=base_dir)
    pub.start()
    return pub
