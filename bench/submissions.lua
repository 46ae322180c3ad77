-- wrk script for bench/queue.py: unique registrations (idempotency key, uid, phone) per request.
-- Mix: mostly clean names, some that the rules reject or send to review.
local counter = 0
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local token = os.getenv("BENCH_TOKEN")
local names = {"爱跑步的土豆", "成都美食探店", "晚安小猫", "周末骑行", "半糖奶茶", "人民日报评论", "中国美食地图", "张医生健康"}
local thread_id = 0
setup = function(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
request = function()
  counter = counter + 1
  local i = tid * 10000000 + counter
  local name = names[(i % #names) + 1]
  local phone = string.format("13%d%08d", (i % 9) + 1, (tonumber(run) * 7 + i) % 100000000)
  local body = string.format(
    '{"idempotency_key":"w%s-%d","kind":"registration","uid":"w%s-%d","info":{"name":"%s%d","bio":"记录生活"},' ..
    '"identity":{"method":"mobile","number":"%s"}}', run, i, run, i, name, i, phone)
  return wrk.format("POST", "/api/v1/submissions",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests, non-2xx %d, p50 %.1f ms, p95 %.1f ms\n", summary.requests,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
