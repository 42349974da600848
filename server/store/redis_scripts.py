"""The Redis store's Lua scripts (each one atomic on the server: create, append, metadata, snapshot,
new epoch) and its Sentinel URL: `redis+sentinel://[[user]:password@]host1:26379[,…]/SERVICE[/DB]`.
Apart from server/store/redis.py so that the store's logic reads without them."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

SENTINEL_SCHEMES = ("redis+sentinel", "rediss+sentinel")


@dataclass(frozen=True)
class SentinelTarget:
    sentinels: list[tuple[str, int]]
    service: str
    db: int
    password: str | None
    username: str | None
    sentinel_password: str | None
    ssl: bool


def parse_sentinel_url(url: str) -> SentinelTarget:
    """`redis+sentinel://[[user]:password@]host1:26379[,host2:26379,…]/SERVICE[/DB]`, optionally
    `?sentinel_password=…` (when the Sentinels require one of their own); `rediss+sentinel://`
    speaks TLS to the primary and the Sentinels."""
    scheme, _, rest = url.partition("://")
    if scheme not in SENTINEL_SCHEMES:
        raise ValueError(f"not a sentinel URL: {scheme}://")
    parts = urlsplit("//" + rest)
    auth, _, hosts = parts.netloc.rpartition("@")
    user, _, password = auth.partition(":") if auth else ("", "", "")
    sentinels: list[tuple[str, int]] = []
    for h in hosts.split(","):
        h = h.strip()
        if not h:
            continue
        if h.startswith("["):  # [ipv6]:port
            host, _, port = h[1:].partition("]")
            port = port.lstrip(":")
        else:
            host, _, port = h.rpartition(":") if ":" in h else (h, "", "")
        sentinels.append((host, int(port) if port else 26379))
    path = [p for p in parts.path.split("/") if p]
    if not sentinels or not path or len(path) > 2:
        raise ValueError("use redis+sentinel://[:password@]host:26379[,host:26379]/SERVICE[/DB]")
    query = parse_qs(parts.query)
    return SentinelTarget(
        sentinels=sentinels,
        service=unquote(path[0]),
        db=int(path[1]) if len(path) == 2 else 0,
        password=unquote(password) or None,
        username=unquote(user) or None,
        sentinel_password=query["sentinel_password"][0] if query.get("sentinel_password") else None,
        ssl=scheme == "rediss+sentinel",
    )


_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('HGET', KEYS[1], 'epoch') == ARGV[1] then return 1 end  -- our own retry
  return 0
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
local ttl = tonumber(ARGV[5])
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], '_seq', ARGV[2], '_at', ARGV[4], '_nonce', '', unpack(ARGV, 7))
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], ARGV[2] .. '-0', 'r', ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return 1
"""

# KEYS: meta, log, dedupe, snap, online
# ARGV: expected, record, dedupe key|'', epoch|'', nonce, maxlen, ttl, channel, at, epoch if rewound,
#       writer id, '1' to ask for a turn
# Fairness: a writer that keeps losing the race (a few conflicts in a row) marks itself in _loser;
# the next append by another writer then yields once (a conflict with nothing missed), so a worker
# with a long queue for the room cannot starve the others.
_APPEND = """
local m = redis.call('HMGET', KEYS[1], 'epoch', '_seq', '_nonce', '_loser')
if not m[1] then return {'gone', 0} end
if ARGV[4] ~= '' and m[1] ~= ARGV[4] then return {'epoch', m[1]} end
local cur = tonumber(m[2])
local expected = tonumber(ARGV[1])
if m[3] == ARGV[5] and cur == expected + 1 then return {'ok', cur} end
if ARGV[3] ~= '' then
  local s = redis.call('HGET', KEYS[3], ARGV[3])
  if s then return {'dup', tonumber(s)} end
end
if cur < expected then
  redis.call('HSET', KEYS[1], 'epoch', ARGV[10])
  redis.call('PUBLISH', ARGV[8], '{"reset":"' .. ARGV[10] .. '"}')
  return {'rewound', ARGV[10]}
end
if cur ~= expected then
  if ARGV[12] == '1' then redis.call('HSET', KEYS[1], '_loser', ARGV[11]) end
  local out = {'conflict', cur}
  if cur - expected <= 64 then
    for _, e in ipairs(redis.call('XRANGE', KEYS[2], (expected + 1) .. '-0', '+', 'COUNT', 64)) do
      out[#out + 1] = e[2][2]
    end
  end
  return out
end
if m[4] and m[4] ~= '' then
  redis.call('HSET', KEYS[1], '_loser', '')
  if m[4] ~= ARGV[11] then return {'conflict', cur} end
end
local seq = cur + 1
local ttl = tonumber(ARGV[7])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], seq .. '-0', 'r', ARGV[2])
redis.call('HSET', KEYS[1], '_seq', seq, '_at', ARGV[9], '_nonce', ARGV[5])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], ARGV[3], seq) end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('EXPIRE', KEYS[3], ttl)
redis.call('EXPIRE', KEYS[4], ttl)
redis.call('EXPIRE', KEYS[5], ttl)
redis.call('PUBLISH', ARGV[8], ARGV[2])
return {'ok', seq}
"""

_SET_META = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""

_SNAPSHOT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local cur = redis.call('HGET', KEYS[2], 'seq')
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], 'seq', ARGV[1], 'state', ARGV[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return 1
"""

# A new epoch, only if the room still has the one the caller saw; announces it on the channel.
_NEW_EPOCH = """
local e = redis.call('HGET', KEYS[1], 'epoch')
if not e then return '' end
if e ~= ARGV[1] then return e end
redis.call('HSET', KEYS[1], 'epoch', ARGV[2])
redis.call('PUBLISH', ARGV[3], '{"reset":"' .. ARGV[2] .. '"}')
return ARGV[2]
"""
