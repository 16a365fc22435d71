-- bench/wrk/mixed.lua: the mixed workload of bench/http.sh.  70% reads of the
-- kinds measured alone (/me, a triager's worklist, one referral, a GP's
-- waiting list, the GP inbox), 20% referral creation by the GP, 10% triage
-- (accept) by the triager of a referral this thread created.
--   wrk ... -s mixed.lua URL -- GP_TOKEN TRIAGER_TOKEN SERVICE_ID REFERRAL_ID NHS1,NHS2,...
local gp, triager, service, referral
local patients, created, n, i = {}, {}, 0, 0
local pending_create = false
function init(args)
  gp, triager, service, referral = args[1], args[2], args[3], args[4]
  for nhs in string.gmatch(args[5], "[^,]+") do patients[#patients + 1] = nhs end
  i = math.random(#patients)
end
local function get(token, path)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
local function post(token, path, body)
  return wrk.format("POST", path,
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
local reads = {
  function() return get(gp, "/api/v1/me") end,
  function() return get(triager, "/api/v1/worklist") end,
  function() return get(gp, "/api/v1/referrals/" .. referral) end,
  function() return get(gp, "/api/v1/waiting-list?page_size=50") end,
  function() return get(gp, "/api/v1/inbox") end,
}
function request()
  n = n + 1
  local k = n % 10
  pending_create = false
  if k < 7 then
    return reads[n % #reads + 1]()
  elseif k < 9 or #created == 0 then
    i = i % #patients + 1
    pending_create = true
    return post(gp, "/api/v1/referrals", string.format(
      '{"patient_nhs_number":"%s","service_id":%s,"priority":"routine","reason":"Breathless on exertion",' ..
      '"clinical_summary":"Benchmark referral from the mixed workload."}', patients[i], service))
  else
    local id = table.remove(created, 1)
    return post(triager, "/api/v1/referrals/" .. id .. "/triage", '{"decision":"accept"}')
  end
end
function response(status, headers, body)
  if status == 201 and body then
    local id = string.match(body, '"id":%s*(%d+)')
    if id and #created < 10000 then created[#created + 1] = id end
  end
end
