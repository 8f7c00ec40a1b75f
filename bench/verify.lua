-- wrk script: POST /rest.php/mws/v1/user-token/verify with {"token": ...}.
--
--   wrk ... -s bench/verify.lua URL -- once FILE THREADS    each token of FILE once (single-use tokens)
--   wrk ... -s bench/verify.lua URL -- cycle FILE THREADS   the tokens of FILE over and over (reusable tokens)
--   wrk ... -s bench/verify.lua URL -- random               a fresh random (invalid) token every time
--
-- With "get" after THREADS, GET URL/<token> instead (the reference's form,
-- bench/RefVerifyHandler.php: /rest.php/bench/v1/ref-verify/<token>).
--
-- With a FILE, thread i of THREADS takes lines i+1, i+1+THREADS, ... so no
-- two threads send the same token. In "once" mode a thread that runs out
-- starts over; every request after that is counted in "tokens_reused" (those
-- verifies fail with 400: mint more tokens).
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "common.lua")

local mode, tokens, pos, wrapped, get = "random", {}, 0, false, false
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  mode = args[1] or "random"
  get = args[4] == "get"
  math.randomseed(os.time() + 7919 * (id or 0))
  if mode == "once" or mode == "cycle" then
    local nthreads = tonumber(args[3]) or 1
    local i = 0
    for line in io.lines(args[2]) do
      if i % nthreads == (id or 0) and line ~= "" then
        table.insert(tokens, line)
      end
      i = i + 1
    end
    if #tokens == 0 then
      error("no tokens for thread " .. tostring(id) .. " in " .. tostring(args[2]))
    end
  end
end

local function random_token()
  local t = {}
  for i = 1, 16 do
    t[i] = string.format("%04x", math.random(0, 65535))
  end
  return table.concat(t)
end

function request()
  local token
  if mode == "random" then
    token = random_token()
  else
    pos = pos + 1
    if pos > #tokens then
      pos = 1
      wrapped = mode == "once"
    end
    if wrapped then
      reused = reused + 1
    end
    token = tokens[pos]
  end
  if get then
    return wrk.format("GET", wrk.path .. "/" .. token)
  end
  return wrk.format("POST", nil, headers, '{"token":"' .. token .. '"}')
end
