"""A redis-py session (the most used Python client) whose printed results must be the same against
redis-server and Cairn. Usage: python3 redis-py-session.py PORT"""
import sys

import redis

r = redis.Redis(port=int(sys.argv[1]))
r.flushall()
out = []
out += [r.set("a", 1), r.get("a"), r.incrbyfloat("f", 0.1), r.incr("n", 5), r.getrange("a", 0, -1)]
out += [r.hset("h", mapping={"x": 1, "y": 2}), r.hgetall("h"), r.hincrby("h", "x", 3), r.hkeys("h")]
out += [r.zadd("z", {"a": 1, "b": 2.5}), r.zrange("z", 0, -1, withscores=True), r.zscore("z", "b")]
out += [r.zrangebyscore("z", "(1", "+inf"), r.zrank("z", "b"), r.zincrby("z", 1, "a")]
out += [r.sadd("s", 3, 1, 2), r.smembers("s"), r.sinter("s", "nosuch"), r.spop("nosuch")]
out += [r.rpush("l", 1, 2, 3), r.lrange("l", 0, -1), r.lpop("l", 2), r.blpop(["l"], 1)]
out += [r.blpop(["empty"], 0.1), r.lmove("nosuch", "l2"), r.sort("s", desc=True)]
p = r.pipeline(transaction=False)
p.set("p", 1).incr("p").get("p").expire("p", 100).ttl("p")
out.append(p.execute())
t = r.pipeline()
t.watch("a")
t.multi()
t.set("a", 2)
out.append(t.execute())
try:
    r.lpush("a", 1)
except redis.ResponseError as e:
    out.append(str(e))
try:
    r.execute_command("NOSUCH", "x")
except redis.ResponseError as e:
    out.append(str(e))
ps = r.pubsub()
ps.subscribe("news")
out.append(ps.get_message(timeout=2))
out.append(r.publish("news", "hello"))
out.append(ps.get_message(timeout=2))
ps.close()
out += [r.scan(0, match="a*"), r.type("z"), r.ttl("a"), r.exists("a", "h", "nosuch")]
out += [r.config_get("maxmemory-policy"), r.acl_whoami(), r.object("encoding", "s")]
out += [r.bitfield("bf").set("u8", 0, 200).incrby("u8", 0, 100).get("u8", 0).execute()]
out += [r.setbit("bits", 7, 1), r.bitcount("bits"), r.getdel("a"), r.dbsize()]
out += [r.client_setname("py"), r.client_getname(), r.echo("x"), r.ping()]
print(repr(out))
