-- bench/wrk/create.lua: POST /api/v1/referrals as a GP, each request for the
-- next of the practice's patients (round robin), routine, to one service.
--   wrk ... -s create.lua URL -- GP_TOKEN SERVICE_ID NHS1,NHS2,...
local token, service, patients, i = nil, nil, {}, 0
function init(args)
  token, service = args[1], args[2]
  for nhs in string.gmatch(args[3], "[^,]+") do patients[#patients + 1] = nhs end
  i = math.random(#patients)
end
function request()
  i = i % #patients + 1
  local body = string.format(
    '{"patient_nhs_number":"%s","service_id":%s,"priority":"routine",' ..
    '"reason":"Exertional chest tightness for three months","clinical_summary":"Benchmark referral: ' ..
    'symptoms on walking uphill, relieved by rest. ECG normal. Please assess."}', patients[i], service)
  return wrk.format("POST", "/api/v1/referrals",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
