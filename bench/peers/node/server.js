// Peer: Node's `ws` broadcast server (npm registry, pinned in package.json; `npm install` here).
// The bench's minimal room protocol, see bench/peers/ws_bare.py. `node server.js PORT`.
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 0);
const rooms = new Map(); // room -> {seq, conns: Set}
let nextId = 1;

const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 64 * 1024, backlog: 4096 });
wss.on('connection', (ws) => {
  const actor = 'p' + nextId++;
  let room = null;
  ws.on('message', (raw) => {
    let m;
    try { m = JSON.parse(raw); } catch (e) { return; }
    if (m.t === 'msg' && room) {
      room.seq += 1;
      const text = JSON.stringify({ t: 'event', seq: room.seq, type: m.type, actor, at: Date.now(), data: m.args });
      for (const c of room.conns) c.send(text);
      ws.send(JSON.stringify({ t: 'ack', id: m.id, seq: room.seq }));
    } else if (m.t === 'join' && !room) {
      const key = String(m.room);
      room = rooms.get(key);
      if (!room) { room = { seq: 0, conns: new Set() }; rooms.set(key, room); }
      room.conns.add(ws);
      ws.send(JSON.stringify({ t: 'joined', room: m.room, seq: room.seq }));
    }
  });
  ws.on('close', () => { if (room) room.conns.delete(ws); });
  ws.on('error', () => {});
});
wss.on('listening', () => console.log('listening ' + wss.address().port));
