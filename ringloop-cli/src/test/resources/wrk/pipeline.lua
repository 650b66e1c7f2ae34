-- wrk script: each write carries `depth` requests (default 16), as TechEmpower's pipelined plaintext test.
-- Usage: wrk -s pipeline.lua http://host:port/plaintext -- 16
init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format()
  end
  req = table.concat(r)
end

request = function()
  return req
end
