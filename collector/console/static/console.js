// gridwatch console: live queue (server-sent events), countdowns, critical-crowd alarm, zoom.
// Hand-written, no dependencies, nothing from the network. Words come from data-* attributes
// that the server fills from the message catalogue.
(function () {
  "use strict";
  var body = document.body;

  function words(key, n) {
    return (body.dataset[key] || "{n}").replace("{n}", n);
  }

  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (d > 0) return words("d", d) + " " + words("h", h);
    if (h > 0) return words("h", h) + " " + words("m", m);
    return words("m", m) + " " + words("s", sec);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var left = Date.parse(el.dataset.due) - now;
      var key = left >= 0 ? "left" : "over";
      el.textContent = (body.dataset[key] || "{t}").replace("{t}", span(left));
      el.classList.toggle("over", left < 0);
    });
  }

  // Browsers keep a page's sound off until the user clicks or types on it (autoplay policy):
  // a duty chief who opened the queue from a bookmark would get a silent alarm. The first click
  // or key turns the sound on (a beep queued meanwhile plays then); until then a hint says so.
  var audio = null;
  function audioContext() {
    if (audio === null) {
      try {
        audio = new (window.AudioContext || window.webkitAudioContext)();
        audio.onstatechange = soundState;
      } catch (e) { audio = false; /* no audio device: the visual alarm stays */ }
    }
    return audio || null;
  }

  function soundState() {
    var ctx = audioContext();
    body.dataset.sound = !ctx ? "none" : ctx.state === "running" ? "on" : "blocked";
    var hint = document.getElementById("sound-hint");
    if (hint) hint.hidden = body.dataset.sound !== "blocked";
  }

  function unlock() {
    var ctx = audioContext();
    if (ctx && ctx.state !== "running") ctx.resume().then(soundState, soundState);
  }

  var seenCritical = null;
  function beep() {
    var ctx = audioContext();
    if (!ctx) return;
    var osc = ctx.createOscillator(), gain = ctx.createGain();
    osc.frequency.value = 880; gain.gain.value = 0.2;
    osc.connect(gain); gain.connect(ctx.destination);
    osc.start(ctx.currentTime); osc.stop(ctx.currentTime + 0.6);
  }

  function checkAlarm() {
    var alarm = document.getElementById("critical-alarm");
    var ids = alarm ? alarm.dataset.ids.split(",") : [];
    var fresh = ids.filter(function (id) { return !seenCritical || seenCritical.indexOf(id) < 0; });
    if (alarm && fresh.length) {
      alarm.classList.add("flash");
      document.title = "⚠ " + document.title.replace(/^⚠ /, "");
      body.dataset.alarms = String(Number(body.dataset.alarms || "0") + 1);
      beep();
    }
    seenCritical = ids;
    if (alarm) soundState();
  }

  function refresh(url) {
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401 || r.redirected) { window.location.reload(); return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null) return;
      document.getElementById("queue-body").innerHTML = html;
      body.dataset.refreshes = String(Number(body.dataset.refreshes || "0") + 1);
      checkAlarm();
      tick();
    });
  }

  function live() {
    var box = document.getElementById("live");
    if (!box || !window.EventSource) return;
    var shown = box.dataset.version;  // the store version the page was rendered from
    var source = new EventSource(box.dataset.events);
    source.addEventListener("changed", function (ev) {
      if (ev.data === shown) return;
      shown = ev.data;
      refresh(box.dataset.rows);
    });
    source.onopen = function () { box.classList.remove("down"); };
    source.onerror = function () { box.classList.add("down"); };
  }

  function zoom() {
    var dialog = document.getElementById("zoom");
    if (!dialog) return;
    document.addEventListener("click", function (ev) {
      var img = ev.target.closest ? ev.target.closest("img.evidence") : null;
      if (!img) return;
      dialog.querySelector("img").src = img.src;
      dialog.querySelector("img").alt = img.alt;
      dialog.showModal();
    });
  }

  if (document.getElementById("live")) {
    document.addEventListener("pointerdown", unlock);
    document.addEventListener("keydown", unlock);
  }
  checkAlarm();
  tick();
  setInterval(tick, 1000);
  live();
  zoom();
})();
