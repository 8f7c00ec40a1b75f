-- wrk script: GET the URL given to wrk, with optional extra headers given
-- as script arguments, e.g.
--   wrk ... -s bench/get.lua http://127.0.0.1:PORT/rest.php/bench/v1/noop -- "Authorization: ApiKey SECRET"
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "common.lua")

local req

function init(args)
  local headers = {}
  for _, arg in ipairs(args) do
    local name, value = arg:match("^([^:]+):%s*(.*)$")
    if name then
      headers[name] = value
    end
  end
  req = wrk.format("GET", nil, headers)
end

function request()
  return req
end
