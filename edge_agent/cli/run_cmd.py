"""``edge-agent run``: all cameras of the config until SIGINT/SIGTERM, then a clean shutdown."""

from __future__ import annotations

import logging
import signal
from enum import StrEnum
from functools import partial
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
    from edge_agent.agent import ConfigWatcher
    from edge_agent.metrics import AgentMetrics
    from edge_agent.publish import ControlHandler

    logging.basicConfig(level=log_level.value, format="%(asctime)s %(levelname)s %(message)s")
    metrics = AgentMetrics()
    with library_errors():
        cfg, agent, publisher = _assemble(config, metrics)
        endpoint = _serve_metrics(metrics, cfg.prometheus.host, cfg.prometheus.port)
    publisher.analysis = agent.analysis_report
    publisher.serve_control(ControlHandler(config, on_applied=agent.apply_config))
    watcher = ConfigWatcher(config, agent.apply_config)

    signalled: list[int] = []

    def _stop(signum, _frame) -> None:
        console.print(f"{signal.Signals(signum).name}: stopping…")
        signalled.append(signum)
        agent.stop()

    def _reload(_signum, _frame) -> None:  # systemctl reload: read the config file again
        watcher.request_reload()

    handlers = {signal.SIGINT: _stop, signal.SIGTERM: _stop, signal.SIGHUP: _reload}
    previous = {sig: signal.signal(sig, fn) for sig, fn in handlers.items()}
    publisher.start()
    try:
        agent.run(watcher, max_seconds=max_seconds)
    finally:
        publisher.stop()
        if endpoint is not None:
            endpoint.stop()
        for sig, handler in previous.items():  # an in-process caller gets its own back
            signal.signal(sig, handler)
    _print_stats(agent)
    if not (agent.stats.frames or agent.stats.errors or signalled):
        _nothing_read(cfg)


def _assemble(config: Path, metrics):
    """Config, detector, publisher and agent; the metrics fed at the camera callbacks and the
    detector's timings, and reading frames and the outbox when scraped."""
    from edge_agent.agent import EdgeAgent, contract_camera_state
    from edge_agent.config import load
    from edge_agent.detect import build_detector
    from edge_agent.publish import MqttPublisher

    cfg = load(config)
    detector = build_detector(cfg.model, config.parent, concurrent=cfg.analysis_threads)
    detector.on_timings = partial(metrics.detection_timings, Path(cfg.model.path).name)
    publisher = MqttPublisher.from_config(cfg, base_dir=Path.cwd())

    def on_state(cam: str, state: str) -> None:
        metrics.camera_state(cam, state)
        publisher.update_camera(cam, contract_camera_state(state))

    def on_health(cam: str, state: str, fps: float, dropped: int) -> None:
        pipeline = agent.pipelines.get(cam)
        if pipeline is not None:
            counts = pipeline.cadence.counts
            metrics.skipped_so_far(cam, counts.gated + counts.skipped)
        metrics.camera_health(cam, state, fps, dropped)
        publisher.update_camera(cam, contract_camera_state(state), fps=fps, dropped_frames=dropped)

    # a zone's calibration or construction reference may be unusable: a clean message too
    agent = EdgeAgent(
        cfg, detector, publisher, on_camera_state=on_state, on_camera_health=on_health
    )
    metrics.watch(
        analysed=lambda: dict(agent.stats.frames),
        outbox=publisher.outbox.stats,
        batches=lambda: agent.analysis_report()["batches"],
    )
    return cfg, agent, publisher


def _print_stats(agent) -> None:
    frames = sum(agent.stats.frames.values())
    console.print(
        f"stopped: {frames} frames analysed on {len(agent.stats.frames)} camera(s), "
        f"{agent.stats.incidents} incident event(s), {agent.stats.reloads} threshold reload(s)"
    )
    if agent.stats.errors:
        failed = ", ".join(f"{cam}: {n}" for cam, n in sorted(agent.stats.errors.items()))
        err_console.print(f"[red]frames the analysis failed on[/red] ({failed}); see the log")


def _serve_metrics(metrics, host: str, port: int | None):
    """The ``/metrics`` endpoint when the config names a port (printed: 0 picks a free one)."""
    from edge_agent.metrics import start_metrics_server

    if port is None:
        return None
    endpoint = start_metrics_server(metrics.registry, host, port)
    console.print(f"metrics at http://{host}:{endpoint.port}/metrics")
    return endpoint


def _nothing_read(cfg) -> None:
    """Not one frame from any camera, and nobody asked it to stop: a failed run, not "finished"."""
    cams = ", ".join(f"{c.id} ({c.url})" for c in cfg.cameras)
    log.error("no camera could be read: %s; see the camera errors above", cams)
    err_console.print(f"[red]error:[/red] no camera could be read: {escape(cams)}", highlight=False)
    raise typer.Exit(1)
