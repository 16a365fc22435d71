-- bench/wrk/get.lua: GET one path with a bearer token.
--   wrk ... -s get.lua URL -- TOKEN PATH
local token, path
function init(args)
  token, path = args[1], args[2]
end
function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
