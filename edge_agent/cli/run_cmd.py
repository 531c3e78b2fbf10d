"""``edge-agent run``: all cameras of the config until SIGINT/SIGTERM, then a clean shutdown."""

from __future__ import annotations

import logging
import signal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from edge_agent.cli.common import console, err_console, library_errors

log = logging.getLogger("edge_agent.run")


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


def run(
    config: Annotated[Path, typer.Option("--config", "-c", help="Agent config file (YAML).")],
    max_seconds: Annotated[
        float | None,
        typer.Option(help="Stop after this many seconds (default: run until stopped)."),
    ] = None,
    log_level: Annotated[
        LogLevel, typer.Option(help="DEBUG, INFO, WARNING or ERROR.", case_sensitive=False)
    ] = LogLevel.INFO,
) -> None:
    """Run every camera of CONFIG: decode, detect, analyse, publish incidents over MQTT.

    Thresholds changed with `edge-agent thresholds set` (or remotely over the control topic) are
    applied without a restart. SIGINT/SIGTERM stop it cleanly: the cameras are closed, the outbox
    is flushed as far as the broker allows (what is left is sent at the next start), and the box's
    status becomes `stopped`.
    """
    from edge_agent.agent import ConfigWatcher, EdgeAgent, contract_camera_state
    from edge_agent.config import load
    from edge_agent.detect import build_detector
    from edge_agent.publish import ControlHandler, MqttPublisher

    logging.basicConfig(level=log_level.value, format="%(asctime)s %(levelname)s %(message)s")
    with library_errors():
        cfg = load(config)
        detector = build_detector(cfg.model, config.parent, concurrent=cfg.analysis_threads)
        publisher = MqttPublisher.from_config(cfg, base_dir=Path.cwd())
        # a zone's calibration or construction reference may be unusable: a clean message too
        agent = EdgeAgent(
            cfg,
            detector,
            publisher,
            on_camera_state=lambda cam, state: publisher.update_camera(
                cam, contract_camera_state(state)
            ),
            on_camera_health=lambda cam, state, fps, dropped: publisher.update_camera(
                cam, contract_camera_state(state), fps=fps, dropped_frames=dropped
            ),
        )
    publisher.analysis = agent.analysis_report
    publisher.serve_control(ControlHandler(config, on_applied=agent.apply_config))
    watcher = ConfigWatcher(config, agent.apply_config)

    signalled: list[int] = []

    def _stop(signum, _frame) -> None:
        console.print(f"{signal.Signals(signum).name}: stopping…")
        signalled.append(signum)
        agent.stop()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    publisher.start()
    try:
        agent.run(watcher, max_seconds=max_seconds)
    finally:
        publisher.stop()
        for sig, handler in previous.items():  # an in-process caller gets its own back
            signal.signal(sig, handler)
    frames = sum(agent.stats.frames.values())
    console.print(
        f"stopped: {frames} frames analysed on {len(agent.stats.frames)} camera(s), "
        f"{agent.stats.incidents} incident event(s), {agent.stats.reloads} threshold reload(s)"
    )
    if agent.stats.errors:
        failed = ", ".join(f"{cam}: {n}" for cam, n in sorted(agent.stats.errors.items()))
        err_console.print(f"[red]frames the analysis failed on[/red] ({failed}); see the log")
    if not (agent.stats.frames or agent.stats.errors or signalled):
        _nothing_read(cfg)


def _nothing_read(cfg) -> None:
    """Not one frame from any camera, and nobody asked it to stop: a failed run, not "finished"."""
    cams = ", ".join(f"{c.id} ({c.url})" for c in cfg.cameras)
    log.error("no camera could be read: %s; see the camera errors above", cams)
    err_console.print(f"[red]error:[/red] no camera could be read: {escape(cams)}", highlight=False)
    raise typer.Exit(1)
