// DEV ONLY: a stand-in for helper-3's conn.js store, to develop the board tools before it lands.
(function () {
  var parts = location.hash.slice(1).split("|");
  var key = parts[0], name = parts[1] || "Dev";
  var room = new URLSearchParams(location.search).get("room");
  var pending = {};
  var n = 0;
  var ws;
  document.addEventListener("alpine:init", function () {
    Alpine.store("kring", {
      state: null, you: null, online: {}, connected: false, reconnecting: false, lang: "nl", lastError: null,
      t: function (k) { return k; },
      tr: function (o) { return o ? o[this.lang] || o.nl : ""; },
      now: function () { return Date.now(); },
      newId: function (p) { return (p || "x") + Math.random().toString(36).slice(2, 10); },
      name: function (pid) { var p = this.state && this.state.participants[pid]; return p ? p.name : "?"; },
      tool: function (t) { var s = this.state; return !!s && s.method.phases[s.phase.index].tools.indexOf(t) >= 0; },
      send: function (type, args) {
        var id = "k" + (++n);
        ws.send(JSON.stringify({ t: "cmd", id: id, type: type, args: args || {} }));
        return new Promise(function (res) { pending[id] = res; });
      },
    });
    var st = Alpine.store("kring");
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/" + room);
    ws.onopen = function () {
      ws.send(JSON.stringify({ t: "hello", key: key, name: name, view: true, token: sessionStorage.getItem("tok") || undefined }));
    };
    ws.onmessage = function (ev) {
      var m = JSON.parse(ev.data);
      if (m.t === "welcome") { st.you = m.you; st.connected = true; sessionStorage.setItem("tok", m.token); if (m.state) st.state = m.state; }
      else if (m.t === "view") { st.state = m.state; if (st.you && m.state.participants[st.you.pid]) st.you = Object.assign({}, st.you, { roles: m.state.participants[st.you.pid].roles }); }
      else if (m.t === "ack" || m.t === "error") { if (m.id && pending[m.id]) { pending[m.id](m); delete pending[m.id]; } if (m.t === "error") st.lastError = m; }
    };
  });
})();
