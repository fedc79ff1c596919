// Our room page: embeds the provider's room and, while the participant is in it,
// posts presence heartbeats (join, every 30 s, leave) with a per-tab device id.
(function () {
  "use strict";
  var HEARTBEAT_MS = 30000;
  var box = document.getElementById("video-room");
  if (!box) return;
  var status = document.getElementById("room-status");
  var messages = document.getElementById("room-messages");
  var presenceUrl = box.dataset.presence;
  var timer = null;

  function say(key) {
    var node = messages && messages.content.querySelector('[data-key="' + key + '"]');
    if (node && status) status.textContent = node.textContent;
  }

  function deviceId() {
    var key = "seminarium-device";
    var id = sessionStorage.getItem(key);
    if (!id) {
      id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);
      sessionStorage.setItem(key, id);
    }
    return id;
  }

  function send(kind) {
    var body = new FormData();
    body.append("kind", kind);
    body.append("device", deviceId());
    if (kind === "leave" && navigator.sendBeacon) {
      navigator.sendBeacon(presenceUrl, body);
      return;
    }
    fetch(presenceUrl, { method: "POST", body: body, credentials: "same-origin" }).catch(function () {});
  }

  function joined() {
    if (timer) return;
    send("join");
    timer = setInterval(function () { send("heartbeat"); }, HEARTBEAT_MS);
    say("joined");
  }

  function left() {
    if (!timer) return;
    clearInterval(timer);
    timer = null;
    send("leave");
    say("left");
  }

  window.addEventListener("pagehide", left);

  function startJitsi() {
    if (typeof JitsiMeetExternalAPI === "undefined") { say("failed"); return; }
    var url = new URL(box.dataset.url);
    var displayName = "";
    var match = /userInfo\.displayName=([^&]*)/.exec(url.hash);
    if (match) {
      try { displayName = JSON.parse(decodeURIComponent(match[1])); } catch (e) { displayName = ""; }
    }
    var api = new JitsiMeetExternalAPI(url.host, {
      roomName: decodeURIComponent(url.pathname.replace(/^\//, "")),
      parentNode: box,
      userInfo: { displayName: displayName },
      width: "100%",
      height: "100%",
      lang: document.documentElement.lang
    });
    api.addListener("videoConferenceJoined", joined);
    api.addListener("videoConferenceLeft", left);
    api.addListener("readyToClose", left);
  }

  function mediaBox(id, label) {
    var video = document.createElement("video");
    video.id = id;
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("aria-label", label);
    box.appendChild(video);
    return video;
  }

  function attachTrack(video, track) {
    var stream = video.srcObject || new MediaStream();
    stream.addTrack(track);
    video.srcObject = stream;
  }

  function startJanus() {
    var node = document.getElementById("janus-settings");
    if (typeof Janus === "undefined" || !node) { say("failed"); return; }
    // server, room, pin, id (our publisher id), display, and token or apisecret
    var conf = JSON.parse(node.textContent);
    var janus = null;
    var watched = {};

    function watch(publisher) {
      if (watched[publisher.id]) return;
      watched[publisher.id] = true;
      var video = null;
      var sub = null;
      janus.attach({
        plugin: "janus.plugin.videoroom",
        success: function (handle) {
          sub = handle;
          handle.send({ message: {
            request: "join", ptype: "subscriber", room: conf.room, pin: conf.pin,
            streams: [{ feed: publisher.id }]
          } });
        },
        onmessage: function (msg, jsep) {
          if (!jsep || !sub) return;
          sub.createAnswer({
            jsep: jsep,
            tracks: [{ type: "data" }],
            success: function (answer) {
              sub.send({ message: { request: "start", room: conf.room }, jsep: answer });
            }
          });
        },
        onremotetrack: function (track, mid, on) {
          if (!on) return;
          video = video || mediaBox("feed-" + publisher.id, publisher.display || "");
          attachTrack(video, track);
        },
        oncleanup: function () {
          if (video) video.remove();
          delete watched[publisher.id];
        }
      });
    }

    // janus.js reads only adapter.browserDetails from webrtc-adapter, which Debian does not
    // ship: say which browser this is, as webrtc-adapter would.
    var agent = navigator.userAgent;
    var browser = /Firefox\//.test(agent) ? "firefox"
      : /Version\/.*Safari\//.test(agent) ? "safari" : "chrome";
    var version = parseInt((/(?:Firefox|Chrom(?:e|ium)|Version)\/(\d+)/.exec(agent) || [0, 0])[1], 10);
    var adapter = { browserDetails: { browser: browser, version: version } };
    Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter: adapter }), callback: function () {
      janus = new Janus({
        server: conf.server,
        token: conf.token,
        apisecret: conf.apisecret,
        success: function () {
          var me = null;
          janus.attach({
            plugin: "janus.plugin.videoroom",
            success: function (handle) {
              me = handle;
              handle.send({ message: {
                request: "join", ptype: "publisher", room: conf.room, pin: conf.pin,
                id: conf.id, display: conf.display
              } });
              window.addEventListener("pagehide", function () { handle.send({ message: { request: "leave" } }); });
            },
            onmessage: function (msg, jsep) {
              if (msg.videoroom === "joined") {
                joined();
                me.createOffer({
                  tracks: [{ type: "audio", capture: true, recv: false },
                           { type: "video", capture: true, recv: false }],
                  success: function (offer) {
                    me.send({ message: { request: "configure", audio: true, video: true }, jsep: offer });
                  },
                  error: function () { say("failed"); }
                });
              }
              (msg.publishers || []).forEach(watch);
              if (jsep) me.handleRemoteJsep({ jsep: jsep });
            },
            onlocaltrack: function (track, on) {
              if (!on) return;
              var video = document.getElementById("feed-self") || mediaBox("feed-self", conf.display);
              video.muted = true;
              attachTrack(video, track);
            },
            error: function () { say("failed"); }
          });
        },
        error: function () { say("failed"); left(); },
        destroyed: left
      });
    } });
  }

  window.addEventListener("load", function () {
    if (box.dataset.provider === "janus") startJanus(); else startJitsi();
  });
})();
